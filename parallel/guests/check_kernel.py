#!/usr/bin/env python3
"""check_kernel.py: structural checks of built wasi-parallel modules.

  check_kernel.py [--objdump PATH] kernel K.wasm
      the kernel rules of the contract (section 3) plus the toolchain
      promise of section 6: one import, a memory; an exported function
      `kernel` whose parameters are i32 and number 3 + 2*buffers, with no
      results; no data segment; no shadow-stack use (no global.get/set).
  check_kernel.py [--objdump PATH] guest G.wasm
      a main program: exports "memory", imports from
      wasi_ephemeral_parallel only known functions with the contract's
      all-i32 signatures, and uses parallel_exec.

Reads wasm-objdump's output; prints every violation and exits 1 if any.
"""
import re
import subprocess
import sys

PARALLEL_MODULE = "wasi_ephemeral_parallel"
PARALLEL_ARITY = {"get_device": 2, "create_buffer": 4, "write_buffer": 3,
                  "read_buffer": 3, "parallel_exec": 9, "parallel_for": 7}


def objdump(tool: str, flag: str, path: str) -> str:
    return subprocess.run([tool, flag, path], check=True, capture_output=True,
                          text=True).stdout


def sections(details: str) -> dict[str, list[str]]:
    """Section name -> its ' - ' lines, from `wasm-objdump -x`."""
    result, current = {}, None
    for line in details.splitlines():
        head = re.match(r"^(\w+)(\[\d+\])?:$", line)
        if head:
            current = head.group(1)
            result.setdefault(current, [])
        elif current and line.startswith(" - "):
            result[current].append(line[3:])
    return result


def types(secs) -> dict[int, tuple[list[str], str]]:
    out = {}
    for line in secs.get("Type", []):
        m = re.match(r"type\[(\d+)\] \((.*)\) -> (.*)$", line)
        if m:
            params = [p.strip() for p in m.group(2).split(",") if p.strip()]
            out[int(m.group(1))] = (params, m.group(3).strip())
    return out


def func_sigs(secs) -> dict[int, int]:
    """Function index -> type index, imported functions included."""
    out = {}
    for line in secs.get("Import", []) + secs.get("Function", []):
        m = re.match(r"func\[(\d+)\] sig=(\d+)", line)
        if m:
            out[int(m.group(1))] = int(m.group(2))
    return out


def check_kernel(tool: str, path: str) -> list[str]:
    secs = sections(objdump(tool, "-x", path))
    errors = []
    imports = secs.get("Import", [])
    if len(imports) != 1 or not imports[0].startswith("memory["):
        errors.append(f"imports must be exactly one memory, found {imports}")
    if "Data" in secs:
        errors.append("has a data segment (it would target the imported memory)")
    exports = [e for e in secs.get("Export", []) if e.endswith('-> "kernel"')]
    if len(exports) != 1 or not exports[0].startswith("func["):
        errors.append('no exported function "kernel"')
    else:
        index = int(re.match(r"func\[(\d+)\]", exports[0]).group(1))
        params, results = types(secs)[func_sigs(secs)[index]]
        if results != "nil":
            errors.append(f"kernel has results {results}")
        if any(p != "i32" for p in params) or len(params) < 3 or (len(params) - 3) % 2:
            errors.append(f"kernel parameters {params} are not 3 + 2*buffers i32")
    code = objdump(tool, "-d", path)
    if re.search(r"\bglobal\.(get|set)\b", code):
        errors.append("uses a global (the shadow stack pointer): a kernel must not at -O2")
    return errors


def check_guest(tool: str, path: str) -> list[str]:
    secs = sections(objdump(tool, "-x", path))
    sigs, tys, errors, used = func_sigs(secs), types(secs), [], set()
    for line in secs.get("Import", []):
        m = re.match(r"func\[(\d+)\].* <- ([\w$]+)\.(\w+)$", line)
        if not m or m.group(2) != PARALLEL_MODULE:
            continue
        name = m.group(3)
        params, results = tys[sigs[int(m.group(1))]]
        used.add(name)
        if name not in PARALLEL_ARITY:
            errors.append(f"unknown import {PARALLEL_MODULE}.{name}")
        elif params != ["i32"] * PARALLEL_ARITY[name] or results != "i32":
            errors.append(f"{name} has signature ({', '.join(params)}) -> {results}")
    if "parallel_exec" not in used:
        errors.append("does not import parallel_exec")
    if not any(e.endswith('-> "memory"') for e in secs.get("Export", [])):
        errors.append('does not export "memory" (the kernel binds to it)')
    return errors


def main(argv: list[str]) -> int:
    tool = "wasm-objdump"
    if len(argv) > 2 and argv[1] == "--objdump":
        tool, argv = argv[2], [argv[0]] + argv[3:]
    if len(argv) != 3 or argv[1] not in ("kernel", "guest"):
        print(__doc__, file=sys.stderr)
        return 2
    check = check_kernel if argv[1] == "kernel" else check_guest
    errors = check(tool, argv[2])
    for e in errors:
        print(f"{argv[2]}: {e}")
    if not errors:
        print(f"{argv[2]}: ok ({argv[1]})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
