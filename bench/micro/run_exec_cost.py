#!/usr/bin/env python3
"""Micro benchmark of the cost of one parallel_exec call (not a test).

Builds exec_cost.c (a guest, clang-14 --target=wasm32-wasi -O2, with
exec_cost_kernel.c embedded as its kernel) and exec_cost_native.c (the same
kernel in a native loop and in an OpenMP parallel for, clang-14 -O2
-fopenmp), runs the guest through `wpvm run --parallel-threads T` on the
SEQUENTIAL and CPU devices (interleaved batches in one process) and the
native twin with OMP_NUM_THREADS=T, and prints microseconds per call of a
kernel with 1, 2, ... iterations: the minimum (and median) over every
batch of every run, and the CPU device's cost over the sequential device's.
The kernel does next to nothing, so this is the per-call cost of the host:
checks, kernel lookup, hand-over to the workers and back.

usage: run_exec_cost.py --wpvm BUILD/tools/wpvm [--threads 2] [--calls 20000]
       [--rounds 5] [--repeat 3] [--iterations 1,2,64] [--tier jit] [--json FILE]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
INCLUDE = os.path.join(ROOT, "parallel", "include")
KERNEL_FLAGS = ["--target=wasm32", "-O2", "-nostdlib", "-matomics", "-mbulk-memory", "-Wl,--no-entry",
                "-Wl,--export=kernel", "-Wl,--import-memory", "-Wl,--shared-memory",
                "-Wl,--max-memory=4294967296"]
LINE = re.compile(r"round (\d+) device (\S+) iterations (\d+) us_per_call ([0-9.]+)")
DEVICES = ["seq", "cpu", "native-seq", "native-omp"]


def build(tmp, clang):
    kernel = os.path.join(tmp, "exec_cost_kernel.wasm")
    guest = os.path.join(tmp, "exec_cost.wasm")
    native = os.path.join(tmp, "exec_cost_native")
    src = lambda name: os.path.join(HERE, name)
    subprocess.run([clang] + KERNEL_FLAGS + ["-I", INCLUDE, src("exec_cost_kernel.c"), "-o", kernel], check=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "embed_wasm.py"), kernel,
                    os.path.join(tmp, "exec_cost_kernel_wasm.c"), os.path.join(tmp, "exec_cost_kernel_wasm.h"),
                    "exec_cost_kernel_wasm"], check=True)
    subprocess.run([clang, "--target=wasm32-wasi", "-O2", "-Wall", "-I", INCLUDE, "-I", tmp, src("exec_cost.c"),
                    os.path.join(tmp, "exec_cost_kernel_wasm.c"), "-o", guest], check=True)
    subprocess.run([clang, "-O2", "-Wall", "-fopenmp=libomp", "-D_POSIX_C_SOURCE=200809L", "-I", INCLUDE,
                    src("exec_cost_native.c"), src("exec_cost_kernel.c"), "-o", native], check=True)
    return guest, native


def collect(cmd, env, samples):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0 or "counters checked" not in p.stdout:
        sys.exit(f"{' '.join(cmd)} failed (exit {p.returncode}):\n{p.stdout}{p.stderr}")
    for m in LINE.finditer(p.stdout):
        samples.setdefault((m.group(2), int(m.group(3))), []).append(float(m.group(4)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wpvm", required=True)
    ap.add_argument("--clang", default="clang-14")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--calls", type=int, default=20000, help="calls per timed batch")
    ap.add_argument("--rounds", type=int, default=5, help="batches per device and size in one process")
    ap.add_argument("--repeat", type=int, default=3, help="processes (wpvm and native alternate)")
    ap.add_argument("--iterations", default="1,2,64", help="iterations per call, comma-separated (1..64)")
    ap.add_argument("--tier", default="jit")
    ap.add_argument("--json", help="also write the figures to this file")
    opts = ap.parse_args()
    sizes = [int(s) for s in opts.iterations.split(",")]
    samples = {}
    with tempfile.TemporaryDirectory() as tmp:
        guest, native = build(tmp, opts.clang)
        env = dict(os.environ, OMP_NUM_THREADS=str(opts.threads))
        args = [str(opts.calls), str(opts.rounds), opts.iterations]
        for _ in range(opts.repeat):
            collect([opts.wpvm, "run", "--tier", opts.tier, "--parallel-threads", str(opts.threads), guest] + args +
                    ["seq,cpu"], env, samples)
            collect([native] + args, env, samples)
    print(f"parallel_exec per-call cost: {opts.threads} threads, tier {opts.tier}, {opts.calls} calls per batch, "
          f"{opts.rounds} batches x {opts.repeat} runs; us per call, min (median)")
    head = f"{'iterations':>10}" + "".join(f" {d:>17}" for d in DEVICES) + f" {'cpu/seq (min)':>14}"
    print(head)
    print("-" * len(head))
    table = {}
    for n in sizes:
        row = {}
        cells = []
        for d in DEVICES:
            s = samples.get((d, n), [])
            row[d] = {"min": min(s), "median": statistics.median(s)} if s else None
            cells.append(f"{min(s):7.2f} ({statistics.median(s):6.2f})" if s else "-")
        ratio = row["cpu"]["min"] / row["seq"]["min"] if row["cpu"] and row["seq"] else None
        row["cpu/seq"] = ratio
        table[n] = row
        print(f"{n:>10}" + "".join(f" {c:>17}" for c in cells) + (f" {ratio:14.2f}" if ratio else f" {'-':>14}"))
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"threads": opts.threads, "tier": opts.tier, "calls": opts.calls, "rounds": opts.rounds,
                       "repeat": opts.repeat, "us_per_call": {str(n): r for n, r in table.items()}}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
