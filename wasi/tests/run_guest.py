#!/usr/bin/env python3
"""Runs one WASI guest through `wpvm run` in a fresh sandbox and checks it.

usage: run_guest.py WPVM GUEST.wasm SCRATCH [--status N | --nonzero]
                    [--stdout TEXT]... [--stderr TEXT]... [--env NAME=VALUE]...
                    [--no-dir] [-- GUEST_ARGS...]

The sandbox is SCRATCH/root (preopened as "/"), next to SCRATCH/outside/secret,
with the links root/out_link -> ../outside, root/abs_link -> /, and
root/chain -> out_link planted for the escape tests. Each --stdout/--stderr TEXT
must occur in that stream.
"""
import argparse
import os
import shutil
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wpvm")
    ap.add_argument("guest")
    ap.add_argument("scratch")
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--nonzero", action="store_true")
    ap.add_argument("--stdout", action="append", default=[])
    ap.add_argument("--stderr", action="append", default=[])
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--no-dir", action="store_true")
    argv = sys.argv[1:]
    guest_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, guest_args = argv[:i], argv[i + 1:]
    a = ap.parse_args(argv)
    a.guest_args = guest_args
    shutil.rmtree(a.scratch, ignore_errors=True)
    root = os.path.join(a.scratch, "root")
    outside = os.path.join(a.scratch, "outside")
    os.makedirs(root)
    os.makedirs(outside)
    with open(os.path.join(outside, "secret"), "w") as f:
        f.write("secret\n")
    os.symlink("../outside", os.path.join(root, "out_link"))
    os.symlink("/", os.path.join(root, "abs_link"))
    os.symlink("out_link", os.path.join(root, "chain"))
    cmd = [a.wpvm, "run"]
    if not a.no_dir:
        cmd += ["--dir", f"{root}::/"]
    for e in a.env:
        cmd += ["--env", e]
    cmd += [a.guest] + a.guest_args
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    problems = []
    if a.nonzero:
        if p.returncode == 0:
            problems.append("expected a non-zero exit status, got 0")
    elif p.returncode != a.status:
        problems.append(f"expected exit status {a.status}, got {p.returncode}")
    problems += [f"stdout lacks {t!r}" for t in a.stdout if t not in out]
    problems += [f"stderr lacks {t!r}" for t in a.stderr if t not in err]
    if os.listdir(outside) != ["secret"]:
        problems.append(f"the guest wrote outside its sandbox: {os.listdir(outside)}")
    print("command:", " ".join(cmd))
    print("--- stdout ---\n" + out + "--- stderr ---\n" + err)
    for pr in problems:
        print("FAIL:", pr)
    if not problems:
        shutil.rmtree(a.scratch, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
