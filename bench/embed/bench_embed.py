#!/usr/bin/env python3
"""Embedding benchmarks: what a module and an instance cost.

usage: bench_embed.py --bench BUILD/bench/embed/wpvm-bench-embed --wpvm BUILD/tools/wpvm
                      [--quick] [--json FILE]

Prints, next to each target, figures measured in this run (synthetic
modules from module_gen.h, about 200 bytes of code per function):
  compile      JIT compile speed, MB of function bodies per second, on the
               calling thread alone and on the oneTBB pool (best of several);
               also on clang-built code when wasm-ld-14 and wasi-libc are
               installed: all of wasi-libc's libc.a linked into one module
  instantiate  an already compiled module with 1 MB of code and one 64 KiB
               memory, median over 10,000 instantiations (each in a fresh
               store), and the first call (binding to the module's code)
  rss          100 live instances of that module: resident memory each adds,
               next to the machine code they share
  threads      `wpvm run` of a wasi-threads program of a 2 MB module that
               starts 16 threads, against the same program starting 1
  cwasm        `wpvm run` of a 5 MB module from its .cwasm against from the
               .wasm (median of several runs; _start returns at once)
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

MB = 1 << 20
WASM_LD = "wasm-ld-14"
WASI_LIBC = "/usr/lib/wasm32-wasi/libc.a"


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def wall(cmd, runs):
    """Median wall seconds of `runs` runs of cmd (output discarded)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--wpvm", required=True)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--json")
    a = ap.parse_args()
    reps = 1 if a.quick else 3
    results = {"cores": os.cpu_count(), "load_average": os.getloadavg()[0]}
    rows = []

    def compile_rows(key, label, source, repeat):
        c = run_json([a.bench, "compile", *source, "--repeat", str(repeat)])
        one = c["code_bytes"] / c["one_thread_s"] / 1e6
        pool = c["code_bytes"] / c["pool_s"] / 1e6
        results[key] = dict(c, one_thread_mb_s=one, pool_mb_s=pool)
        rows.append((f"compile{label}, one thread", f"{one:.1f} MB/s", ">= 50 MB/s", one >= 50))
        rows.append((f"compile{label}, pool of {c['pool_threads']}", f"{pool:.1f} MB/s ({pool / one:.2f}x one thread)",
                     "faster than one thread", pool > one))

    compile_rows("compile", "", ["--bytes", str(2 * MB)], reps)
    if shutil.which(WASM_LD) and os.path.exists(WASI_LIBC):
        with tempfile.TemporaryDirectory() as tmp:
            libc = os.path.join(tmp, "libc.wasm")
            subprocess.run([WASM_LD, "--whole-archive", WASI_LIBC, "--no-entry", "--export-all", "--allow-undefined",
                            "-o", libc], check=True)
            compile_rows("compile_wasi_libc", " (clang-built: wasi-libc)", ["--module", libc], 3 * reps)

    i = run_json([a.bench, "instantiate", "--bytes", str(MB), "--count", "1000" if a.quick else "10000"])
    results["instantiate"] = i
    rows.append((f"instantiate ({i['functions']} functions, 1 MB)", f"{i['instantiate_median_us']:.1f} us median",
                 "<= 20 us", i["instantiate_median_us"] <= 20))
    rows.append(("  its first call (binding)", f"{i['first_call_median_us']:.1f} us median", "", None))

    r = run_json([a.bench, "rss", "--bytes", str(MB), "--instances", "100"])
    results["rss"] = r
    per = r["rss_per_instance_bytes"]
    rows.append(("RSS per live instance", f"{per / 1024:.0f} KiB (machine code shared: {r['machine_code_bytes'] / 1024:.0f} KiB)",
                 "grows with memory, not code", per < r["machine_code_bytes"] / 10))

    with tempfile.TemporaryDirectory() as tmp:
        t1, t16 = os.path.join(tmp, "t1.wasm"), os.path.join(tmp, "t16.wasm")
        subprocess.run([a.bench, "gen", "--bytes", str(2 * MB), "--threads", "1", "-o", t1], check=True)
        subprocess.run([a.bench, "gen", "--bytes", str(2 * MB), "--threads", "16", "-o", t16], check=True)
        runs = 3 if a.quick else 7
        s1, s16 = wall([a.wpvm, "run", t1], runs), wall([a.wpvm, "run", t16], runs)
        results["threads"] = {"module_bytes": os.path.getsize(t1), "one_thread_s": s1, "sixteen_threads_s": s16,
                              "ratio": s16 / s1}
        rows.append(("wasi-threads, 2 MB module: 16 threads / 1", f"{s16 * 1e3:.1f} / {s1 * 1e3:.1f} ms = {s16 / s1:.2f}x",
                     "<= 1.3x", s16 / s1 <= 1.3))

        big, cw = os.path.join(tmp, "big.wasm"), os.path.join(tmp, "big.cwasm")
        subprocess.run([a.bench, "gen", "--bytes", str(5 * MB), "-o", big], check=True)
        subprocess.run([a.wpvm, "compile", big, "-o", cw], check=True)
        sw, sc = wall([a.wpvm, "run", big], runs), wall([a.wpvm, "run", cw], runs)
        results["cwasm"] = {"module_bytes": os.path.getsize(big), "cwasm_bytes": os.path.getsize(cw), "wasm_s": sw,
                            "cwasm_s": sc, "speedup": sw / sc}
        rows.append(("wpvm run, 5 MB: .wasm / .cwasm", f"{sw * 1e3:.1f} / {sc * 1e3:.1f} ms = {sw / sc:.1f}x faster",
                     ">= 10x", sw / sc >= 10))

    width = max(len(r[0]) for r in rows)
    print(f"embedding benchmarks ({results['cores']} cores, load average {results['load_average']:.1f})")
    for name, figure, target, ok in rows:
        mark = "" if ok is None else ("  ok" if ok else "  MISSED")
        print(f"  {name:<{width}}  {figure:<48} {target}{mark}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
