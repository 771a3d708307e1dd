#!/usr/bin/env python3
"""Runs a command and checks its exit status and output.

usage: check_run.py [--status N | --nonzero] [--stdout TEXT]... [--stderr TEXT]...
                    [--stdin TEXT] [--max-stderr-lines N] [--timeout SECONDS] -- COMMAND...
Each --stdout/--stderr TEXT must occur in that stream; the command must end
(by exiting, never by a signal) within the timeout. Prints what differed.
"""
import argparse
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--nonzero", action="store_true")
    ap.add_argument("--stdout", action="append", default=[])
    ap.add_argument("--stderr", action="append", default=[])
    ap.add_argument("--stdin", default="")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--max-stderr-lines", type=int)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command
    p = subprocess.run(cmd, input=a.stdin.encode(), capture_output=True, timeout=a.timeout)
    out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    problems = []
    if p.returncode < 0:
        problems.append(f"killed by signal {-p.returncode}")
    if a.max_stderr_lines is not None and len(err.splitlines()) > a.max_stderr_lines:
        problems.append(f"stderr has {len(err.splitlines())} lines, more than {a.max_stderr_lines}")
    if a.nonzero:
        if p.returncode == 0:
            problems.append("expected a non-zero exit status, got 0")
    elif p.returncode != a.status:
        problems.append(f"expected exit status {a.status}, got {p.returncode}")
    problems += [f"stdout lacks {t!r}" for t in a.stdout if t not in out]
    problems += [f"stderr lacks {t!r}" for t in a.stderr if t not in err]
    if problems:
        print("command:", " ".join(cmd))
        print("--- stdout ---\n" + out + "--- stderr ---\n" + err)
        for pr in problems:
            print("FAIL:", pr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
