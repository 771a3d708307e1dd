#!/usr/bin/env python3
"""`wpvm compile` and `wpvm run` of the .cwasm it writes.

usage: check_cwasm.py WPVM MODULE.wasm [ARGS...]
Compiles MODULE into a temporary directory, runs both forms with ARGS and
compares their exit status and stdout; then runs damaged copies of the file
(truncated, one byte changed, another format version) and checks that each
is refused with its reason and exit status 1 and that none of them ran.
"""
import os
import subprocess
import sys
import tempfile


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def main():
    wpvm, module, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        cwasm = os.path.join(tmp, "m.cwasm")
        status, _, err = run([wpvm, "compile", module, "-o", cwasm])
        if status != 0:
            print(f"wpvm compile failed ({status}): {err}")
            return 1
        want = run([wpvm, "run", module] + args)
        got = run([wpvm, "run", cwasm] + args)
        if got[0] != want[0] or got[1] != want[1]:
            problems.append(f"run of the .cwasm gave {got[0]} {got[1]!r} {got[2]!r}, the .wasm {want[0]} {want[1]!r}")
        data = open(cwasm, "rb").read()
        damaged = {
            "truncated": data[: len(data) // 2],
            "corrupted": data[:-40] + bytes([data[-40] ^ 0x20]) + data[-39:],
            "format version": data[:8] + bytes([7, 0, 0, 0]) + data[12:],
        }
        for reason, bytes_ in damaged.items():
            path = os.path.join(tmp, "bad.cwasm")
            with open(path, "wb") as f:
                f.write(bytes_)
            status, out, err = run([wpvm, "run", path] + args)
            if status != 1 or reason not in err or out:
                problems.append(f"{reason} file: status {status}, stdout {out!r}, stderr {err!r}")
        status, _, err = run([wpvm, "validate", cwasm])
        if status == 0 or "compiled module" not in err:
            problems.append(f"validate of a .cwasm: status {status}, stderr {err!r}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
