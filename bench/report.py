#!/usr/bin/env python3
"""The benchmark report (what tools/bench.sh runs): the whole benchmark set
in one go, written to bench/results/<date>-<commit>.json with PNG plots and
a Markdown table beside it.

  bench/report.py --build BUILD [--out DIR] [--quick] [--threads 1,2,...]
                  [--repeat N] [--skip-programs] [--skip-prk]
  bench/report.py --from-json bench/results/NAME.json   (the table and plots again)

* Programs (bench/run_bench.py): every workload (the PRK kernels run
  sequentially, the programs of bench/programs) built from the same C source
  natively with clang-14 -O2 and for WASI, run native, on wpvm's JIT and
  interpreter, and on node's V8 (Liftoff only, and TurboFan) when node is
  on the PATH; each run checks its own result. Seconds and ratios to native.
* PRK devices (bench/prk/bench_prk.py): every PRK guest on the sequential,
  CPU and GPU devices (GPU: lavapipe where there is no GPU) against its
  native twins, sequential and OpenMP; the CPU device (JIT) and OpenMP at
  each thread count of --threads (default 1 to the number of cores).

Plots: <name>-ratios.png, time over native per workload and engine (log
scale) with the geometric means; <name>-speedup.png, per PRK kernel, the
rate over the sequential one against threads, for the CPU device and OpenMP.
Every figure is measured in this run; nothing is a timed test."""
import argparse
import datetime
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Engines of the ratio plot, in its order (run_bench.py configuration names;
# jit-simd: the JIT on the guest built with -msimd128).
ENGINES = ["jit", "jit-simd", "interp", "v8-liftoff", "v8-turbofan"]
# Bounded-guest overheads are bench/run_bench.py's own report, not this one.
SKIP_CONFIGS = "jit-fuel,interp-fuel,jit-epoch"


def git(*args):
    r = subprocess.run(["git", "-C", ROOT] + list(args), capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else ""


def run_json(cmd, path):
    """Runs a benchmark script that writes --json to `path`; its report goes
    to this process's output as it comes."""
    print("==", " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd), flush=True)
    status = subprocess.run(cmd + ["--json", path]).returncode
    if not os.path.exists(path):
        sys.exit(f"report: {os.path.basename(cmd[1])} wrote no results (exit {status})")
    with open(path) as f:
        return json.load(f), status


def geomean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def program_ratios(programs):
    """Per workload and engine, time over native (None where either failed)."""
    out = {}
    for name, row in programs["seconds"].items():
        native = row.get("native")
        out[name] = {e: (row[e] / native if row.get(e) and native else None) for e in ENGINES if e in row}
    return out


def markdown(report):
    lines = []
    ratios = report.get("program_ratios")
    if ratios:
        engines = [e for e in ENGINES if any(e in r for r in ratios.values())]
        lines += ["| workload, time / native (lower is faster) | " + " | ".join(engines) + " |",
                  "|---|" + "---|" * len(engines)]
        for name, r in ratios.items():
            lines.append(f"| {name} | " + " | ".join(f"{r[e]:.2f}" if r.get(e) else "failed" for e in engines) + " |")
        lines.append("| **geomean** | " + " | ".join(
            f"**{g:.2f}**" if (g := geomean([r.get(e) for r in ratios.values()])) else "-" for e in engines) + " |")
        lines.append("")
    prk = report.get("prk")
    if prk:
        top = str(max(int(t) for t in prk))
        kernels = prk[top]["kernels"]
        heads = ["jit cpu/seq", "omp/seq", "jit seq/native", "jit cpu/omp", "gpu/omp"]
        lines += [f"| PRK kernel, rate ratios ({top} threads; higher is faster) | " + " | ".join(heads) + " |",
                  "|---|" + "---|" * len(heads)]
        for k, v in kernels.items():
            lines.append(f"| {k} | " + " | ".join(v["ratios"].get(h, "-") for h in heads) + " |")
        lines.append("")
    return "\n".join(lines)


def plot_ratios(ratios, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    engines = [e for e in ENGINES if any(r.get(e) for r in ratios.values())]
    names = list(ratios) + ["geomean"]
    width = 0.8 / max(len(engines), 1)
    fig, ax = plt.subplots(figsize=(min(16, max(8, 0.2 * len(names) * max(len(engines), 1))), 5.2))
    for i, e in enumerate(engines):
        values = [ratios[n].get(e) or 0 for n in ratios] + [geomean([r.get(e) for r in ratios.values()]) or 0]
        ax.bar([x + i * width for x in range(len(names))], values, width, label=e)
    ax.set_yscale("log")
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks([x + width * (len(engines) - 1) / 2 for x in range(len(names))])
    ax.set_xticklabels(names, rotation=45, ha="right")
    ax.set_ylabel("time / native clang -O2 (log)")
    ax.set_title("Workloads: time relative to native (lower is better)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_speedup(prk, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    threads = sorted(int(t) for t in prk)
    top = prk[str(threads[-1])]["kernels"]
    kernels = list(top)
    cols = min(4, len(kernels))
    rows = (len(kernels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 3.0 * rows), squeeze=False)
    for ax, k in zip([a for row in axes for a in row], kernels):
        for cfg, base, label in [("jit-cpu", "jit-seq", "CPU device (JIT)"), ("native-omp", "native-seq", "OpenMP")]:
            seq = top[k]["runs"].get(base, {}).get("rate")
            xs, ys = [], []
            for t in threads:
                rate = prk[str(t)]["kernels"].get(k, {}).get("runs", {}).get(cfg, {}).get("rate")
                if rate and seq:
                    xs.append(t)
                    ys.append(rate / seq)
            ax.plot(xs, ys, marker="o", label=label)
        ax.plot(threads, threads, linestyle=":", color="gray", label="linear")
        ax.set_title(k)
        ax.set_xlabel("threads")
        ax.set_ylabel("rate / sequential")
        ax.set_xticks(threads)
    for ax in [a for row in axes for a in row][len(kernels):]:
        ax.axis("off")
    axes[0][0].legend(fontsize="small")
    fig.suptitle("PRK kernels: speed-up against threads")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", help="meson build directory (its tools/wpvm and PRK guests)")
    ap.add_argument("--from-json", help="write the table and plots of this earlier report, running nothing")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--quick", action="store_true", help="small problem sizes (a smoke run, not figures)")
    ap.add_argument("--threads", help="comma-separated thread counts (default: 1 to the number of cores)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per program and configuration, best kept")
    ap.add_argument("--skip-programs", action="store_true")
    ap.add_argument("--skip-prk", action="store_true")
    o = ap.parse_args()
    if o.from_json:
        with open(o.from_json) as f:
            report = json.load(f)
        write_outputs(report, o.from_json[:-len(".json")] if o.from_json.endswith(".json") else o.from_json,
                      report.get("date", "")[:10] + "-" + report.get("commit", ""))
        return 0
    if not o.build:
        ap.error("--build is required (or --from-json)")
    wpvm = os.path.join(o.build, "tools", "wpvm")
    threads = [int(t) for t in o.threads.split(",")] if o.threads else list(range(1, (os.cpu_count() or 1) + 1))
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    name = f"{datetime.date.today().isoformat()}-{commit}"
    os.makedirs(o.out, exist_ok=True)
    report = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "commit": commit, "dirty": dirty,
              "quick": o.quick, "cores": os.cpu_count(), "load_average": os.getloadavg()[0],
              "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
                          "")}
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        if not o.skip_programs:
            cmd = [sys.executable, os.path.join(ROOT, "bench", "run_bench.py"), "--wpvm", wpvm,
                   "--repeat", str(o.repeat), "--skip", SKIP_CONFIGS] + (["--quick"] if o.quick else [])
            programs, status = run_json(cmd, os.path.join(tmp, "programs.json"))
            failed |= status != 0 or any(v is None for row in programs["seconds"].values() for v in row.values())
            report["programs"] = programs
            report["program_ratios"] = program_ratios(programs)
        if not o.skip_prk:
            report["prk"] = {}
            for t in threads:
                # Sequential runs and the GPU do not depend on the thread count: once, at the most threads.
                configs = None if t == threads[-1] else "jit-cpu,native-omp"
                cmd = [sys.executable, os.path.join(ROOT, "bench", "prk", "bench_prk.py"), "--build", o.build,
                       "--wpvm", wpvm, "--threads", str(t)] + (["--configs", configs] if configs else [])
                prk, status = run_json(cmd, os.path.join(tmp, f"prk-{t}.json"))
                failed |= status != 0
                report["prk"][str(t)] = prk
    path = os.path.join(o.out, name)
    with open(path + ".json", "w") as f:
        json.dump(report, f, indent=1)
    write_outputs(report, path, name)
    return 1 if failed else 0


def write_outputs(report, path, name):
    """The Markdown table and the plots of `report`, beside path + ".json"."""
    table = markdown(report)
    with open(path + ".md", "w") as f:
        f.write(f"Benchmark {name}{' (uncommitted changes)' if report.get('dirty') else ''}, {report['cores']} cores "
                f"({report['cpu']}), load average {report['load_average']:.1f}\n\n{table}")
    written = [path + ".json", path + ".md"]
    if report.get("program_ratios"):
        plot_ratios(report["program_ratios"], path + "-ratios.png")
        written.append(path + "-ratios.png")
    if report.get("prk"):
        plot_speedup(report["prk"], path + "-speedup.png")
        written.append(path + "-speedup.png")
    print()
    print(table)
    print("written: " + ", ".join(os.path.relpath(p, ROOT) for p in written))


if __name__ == "__main__":
    sys.exit(main())
