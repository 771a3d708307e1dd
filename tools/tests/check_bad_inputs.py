#!/usr/bin/env python3
"""Feeds every `wpvm` verb inputs that are not modules and checks that each
ends by a normal exit with status 1 and an `Error:` line, never by a signal.

usage: check_bad_inputs.py WPVM GOOD.wasm SCRATCH
Inputs: a directory, a missing file, an empty file, random bytes (fixed seed),
a truncated module, a module with bytes appended, and random or truncated
files that claim to be compiled modules (.cwasm).
"""
import os
import random
import shutil
import subprocess
import sys


def main():
    wpvm, good, scratch = sys.argv[1:4]
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    rng = random.Random(15)
    with open(good, "rb") as f:
        module = f.read()
    inputs = {"dir": os.path.join(scratch, "a_dir.wasm"), "missing": os.path.join(scratch, "none.wasm")}
    os.makedirs(inputs["dir"])

    def put(name, data):
        inputs[name] = os.path.join(scratch, name)
        with open(inputs[name], "wb") as f:
            f.write(data)

    put("empty.wasm", b"")
    for n in (1, 7, 64, 4096):
        put(f"random{n}.wasm", bytes(rng.randrange(256) for _ in range(n)))
    put("truncated.wasm", module[: len(module) // 2])
    put("appended.wasm", module + b"\x01\x02\x03garbage")
    put("magic-only.wasm", b"\0asm")
    cwasm = os.path.join(scratch, "good.cwasm")
    subprocess.run([wpvm, "compile", good, "-o", cwasm], check=True, capture_output=True)
    with open(cwasm, "rb") as f:
        compiled = f.read()
    put("truncated.cwasm", compiled[: len(compiled) // 3])
    put("random.cwasm", compiled[:8] + bytes(rng.randrange(256) for _ in range(512)))

    verbs = [["run"], ["run", "--tier", "interp"], ["compile", "-o", os.path.join(scratch, "out.cwasm")],
             ["validate"], ["objdump"], ["objdump", "--jit"], []]
    problems = []
    runs = 0
    for verb in verbs:
        for name, path in inputs.items():
            if not verb and not path.endswith("wasm"):
                continue
            cmd = [wpvm] + verb + [path]
            p = subprocess.run(cmd, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
            runs += 1
            err = p.stderr.decode(errors="replace")
            if p.returncode < 0:
                problems.append(f"{' '.join(cmd)}: killed by signal {-p.returncode}\n{err}")
            elif p.returncode != 1 or "Error:" not in err:
                problems.append(f"{' '.join(cmd)}: status {p.returncode}, stderr {err!r}")
    for pr in problems:
        print("FAIL:", pr)
    print(f"{runs} runs, {len(problems)} problems")
    if not problems:
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
