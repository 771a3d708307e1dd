#!/usr/bin/env python3
"""Micro benchmark of the threads atomics (not a test): the loops of
atomics.wat, N operations each on one uncontended address, through
`wpvm run --invoke` on the JIT and the interpreter tiers, against the same
loops in C (atomics.c, clang-14 -O2, __atomic builtins). Prints nanoseconds
per operation (best of --repeat, process start-up and compilation removed by
subtracting a run with N=1) and the ratios to native.

usage: run_atomics.py --wpvm BUILD/tools/wpvm [--n 10000000] [--repeat 3]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KERNELS = ["rmw_add", "cas_loop", "rmw_or"]


def best_time(cmd, repeat, expect):
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        t = time.perf_counter() - t0
        if expect is not None and expect not in out:
            sys.exit(f"unexpected output of {' '.join(cmd)}: {out!r} (want {expect})")
        best = t if best is None else min(best, t)
    return best


def per_op(cmd_of, n, repeat, expect_of):
    """Seconds per operation: (time(n) - time(1)) / (n - 1)."""
    big = best_time(cmd_of(n), repeat, expect_of(n))
    small = best_time(cmd_of(1), repeat, None)
    return max(big - small, 0.0) / (n - 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wpvm", required=True)
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wasm = os.path.join(tmp, "atomics.wasm")
        exe = os.path.join(tmp, "atomics")
        subprocess.run(["wat2wasm", "--enable-threads", os.path.join(HERE, "atomics.wat"), "-o", wasm], check=True)
        subprocess.run(["clang-14", "-O2", os.path.join(HERE, "atomics.c"), "-o", exe], check=True)
        # rmw_add and cas_loop end at n; rmw_or's result is only checked natively.
        expect = {"rmw_add": lambda n: str(n), "cas_loop": lambda n: str(n), "rmw_or": lambda n: None}
        print(f"{args.n} operations per loop, ns/op (ratio to native)")
        print(f"{'kernel':10} {'native':>8} {'wpvm jit':>18} {'wpvm interp':>18}")
        for k in KERNELS:
            native = per_op(lambda n: [exe, k, str(n)], args.n, args.repeat, expect[k])
            row = [native]
            for tier in ("jit", "interp"):
                row.append(per_op(lambda n: [args.wpvm, "run", "--tier", tier, "--invoke", k, wasm, str(n)],
                                  args.n, args.repeat, expect[k]))
            cells = [f"{row[0] * 1e9:8.2f}"]
            for t in row[1:]:
                ratio = t / row[0] if row[0] > 0 else float("inf")
                cells.append(f"{t * 1e9:8.2f} ({ratio:5.2f}x)")
            print(f"{k:10} " + " ".join(f"{c:>18}" if i else c for i, c in enumerate(cells)))


if __name__ == "__main__":
    main()
