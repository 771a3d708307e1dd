#!/usr/bin/env python3
"""PRK benchmark of wpvm's wasi-parallel devices against native twins.

Runs each PRK guest through `wpvm run` on the SEQUENTIAL, CPU and GPU devices
(the GPU runs the kernels' GLSL twins through Vulkan; on machines without a
GPU that is lavapipe, Mesa's Vulkan on the CPU) and its native C twin (clang-14 -O2, sequential and OpenMP on the same thread
count), checks that each run validates, and prints per kernel: time, rate,
the CPU device's speed-up over SEQUENTIAL and the wpvm/native ratios.

Both tiers run (interpreter and JIT). This is a benchmark, not a test: it
measures and reports. Extend it by adding rows to KERNELS (problem sizes),
entries to CONFIGS (ways to run a row) or to RATIOS (summary columns).
"""
import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass

# One row per kernel: the PRK arguments (iterations first), the same for the
# guest and its native twin.
KERNELS = [
    ("nstream", ["10", "2097152"]),
    ("transpose", ["10", "1024"]),
    ("stencil", ["10", "1000"]),
    ("dgemm", ["3", "256"]),
    ("sparse", ["10", "10"]),
    ("reduce", ["10", "200000"]),
    ("p2p", ["10", "1000"]),
]


@dataclass
class Config:
    name: str
    kind: str  # "wpvm" or "native"
    device: str = ""  # wpvm device
    tier: str = "interp"
    native: str = ""  # native twin suffix: seq / omp


# Column order of the report; the ratios below name configurations by name.
CONFIGS = [
    Config("wpvm-seq", "wpvm", device="seq"),
    Config("wpvm-cpu", "wpvm", device="cpu"),
    Config("jit-seq", "wpvm", device="seq", tier="jit"),
    Config("jit-cpu", "wpvm", device="cpu", tier="jit"),
    Config("wpvm-gpu", "wpvm", device="gpu"),
    Config("native-seq", "native", native="seq"),
    Config("native-omp", "native", native="omp"),
]

# Summary columns: (heading, numerator, denominator): ratios of the rates of
# two configurations ("-" when either did not run or failed).
RATIOS = [
    ("cpu/seq", "wpvm-cpu", "wpvm-seq"),
    ("jit cpu/seq", "jit-cpu", "jit-seq"),
    ("omp/seq", "native-omp", "native-seq"),
    ("seq/native", "wpvm-seq", "native-seq"),
    ("jit seq/native", "jit-seq", "native-seq"),
    ("jit cpu/omp", "jit-cpu", "native-omp"),
    ("gpu/seq", "wpvm-gpu", "wpvm-seq"),
    ("gpu/omp", "wpvm-gpu", "native-omp"),
]

# The GPU device's totals, printed in verbose mode when it goes away.
GPU_STATS = re.compile(r"device stats: (\d+) dispatches ([0-9.]+) s, uploads (\d+) bytes ([0-9.]+) s, "
                       r"downloads (\d+) bytes ([0-9.]+) s")
RATE = re.compile(r"Rate \(([^)]*)\): *([0-9.eE+-]+) +Avg time \(s\): *([0-9.eE+-]+)")


def command(cfg, kernel, args, opts):
    if cfg.kind == "wpvm":
        guest = os.path.join(opts.build, "parallel", "guests", kernel + ".wasm")
        verbose = ["--parallel-verbose", "--gpu", opts.gpu] if cfg.device == "gpu" else []
        return [opts.wpvm, "run", "--tier", cfg.tier, "--parallel-threads", str(opts.threads)] + verbose + \
            [guest, "--device", cfg.device] + args
    return [os.path.join(opts.build, "bench", "native", f"{kernel}-{cfg.native}")] + args


def run_one(cfg, kernel, args, opts):
    env = dict(os.environ, OMP_NUM_THREADS=str(opts.threads))
    cmd = command(cfg, kernel, args, opts)
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=opts.timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"error": type(e).__name__}
    m = RATE.search(p.stdout)
    if p.returncode != 0 or not m or "Solution validates" not in p.stdout:
        return {"error": f"exit {p.returncode}" + ("" if m else ", no rate line")}
    r = {"unit": m.group(1), "rate": float(m.group(2)), "time": float(m.group(3))}
    g = GPU_STATS.search(p.stderr)
    if cfg.device == "gpu":
        if not g or "carries no SPIR-V" in p.stderr or "serves GPU hints" in p.stderr:
            return {"error": "the GPU device did not run the kernels' SPIR-V"}
        # Uploads + downloads over the whole run (write_buffer/read_buffer),
        # outside the PRK's timed iterations.
        r["transfer"] = float(g.group(4)) + float(g.group(6))
        r["mib"] = (int(g.group(3)) + int(g.group(5))) / 2**20
    return r


def ratio(a, b):
    if "rate" not in a or "rate" not in b or b["rate"] == 0:
        return "-"
    return f"{a['rate'] / b['rate']:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True, help="meson build directory")
    ap.add_argument("--wpvm", help="wpvm executable (default: BUILD/tools/wpvm)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per kernel and configuration, the configurations taking turns; the best rate "
                         "counts (on a noisy machine the best run is the one least disturbed)")
    ap.add_argument("--gpu", default="llvmpipe",
                    help="wpvm run --gpu selector for the GPU configuration (default: llvmpipe, Mesa's "
                         "lavapipe, which wpvm never picks by itself)")
    ap.add_argument("--only", help="comma-separated kernels")
    ap.add_argument("--configs", help="comma-separated configurations (default: all)")
    ap.add_argument("--json", help="also write every run's figures (or error) and the ratios to this file")
    opts = ap.parse_args()
    opts.wpvm = opts.wpvm or os.path.join(opts.build, "tools", "wpvm")
    only = set(opts.only.split(",")) if opts.only else None
    configs = [c for c in CONFIGS if not opts.configs or c.name in opts.configs.split(",")]

    print(f"PRK bench: {opts.threads} threads (CPU device and OpenMP), avg time per PRK iteration")
    print("GPU rows: time per PRK iteration as for the others; transfer = all write_buffer/read_buffer")
    print("copies of the run (outside the timed iterations), with the MiB moved.")
    head = f"{'kernel':10} {'config':11} {'time (s)':>10} {'rate':>12} {'unit':8} {'transfer (s)':>12}"
    print(head)
    print("-" * len(head))
    summary = []
    results = {}
    failed = False
    for kernel, args in KERNELS:
        if only and kernel not in only:
            continue
        res = {}
        for _ in range(opts.repeat):
            for cfg in configs:
                r = run_one(cfg, kernel, args, opts)
                prev = res.get(cfg.name)
                # Any failed run fails the configuration; else the best rate.
                if prev is None or "error" in r or ("error" not in prev and r["rate"] > prev["rate"]):
                    res[cfg.name] = r
        for cfg in configs:
            r = res[cfg.name]
            if "error" in r:
                failed = True
                print(f"{kernel:10} {cfg.name:11} {'FAILED':>10} ({r['error']})")
            else:
                extra = f" {r['transfer']:12.5f} ({r['mib']:.1f} MiB)" if "transfer" in r else ""
                print(f"{kernel:10} {cfg.name:11} {r['time']:10.5f} {r['rate']:12.1f} {r['unit']:8}{extra}")
            sys.stdout.flush()
        summary.append((kernel, [ratio(res.get(a, {}), res.get(b, {})) for _, a, b in RATIOS]))
        results[kernel] = {"args": args, "runs": res,
                           "ratios": {h: ratio(res.get(a, {}), res.get(b, {})) for h, a, b in RATIOS}}
    print()
    print("rate ratios (cpu/seq: speed-up of the CPU device; x/native, x/omp: wpvm over native C)")
    head = f"{'kernel':10}" + "".join(f" {h:>14}" for h, _, _ in RATIOS)
    print(head)
    print("-" * len(head))
    for kernel, cols in summary:
        print(f"{kernel:10}" + "".join(f" {c:>14}" for c in cols))
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"threads": opts.threads, "kernels": results}, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
