#!/usr/bin/env python3
"""Tests of `wpvm attach-spirv` and `wpvm devices`.

usage: test_cli.py WPVM KERNEL_WITH_SPIRV.wasm K.spv
KERNEL_WITH_SPIRV.wasm already carries K.spv as its id-0 section (the build
attached it), which gives exact expectations for replacing and appending.
"""
import os
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def run(*args):
    return subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def main():
    wpvm, kernel, spv = sys.argv[1:4]
    with open(kernel, "rb") as f:
        kernel_bytes = f.read()
    with open(spv, "rb") as f:
        spv_bytes = f.read()
    tmp = tempfile.mkdtemp()
    out = os.path.join(tmp, "out.wasm")

    p = run(wpvm, "attach-spirv", "--input", kernel, "--output", out, "--id", "0", "--spirv", spv)
    check(p.returncode == 1 and "already has a wasi-parallel section with id 0" in p.stderr, "a second section with the same id is refused: " + p.stderr.strip())

    p = run(wpvm, "attach-spirv", "--input", kernel, "--output", out, "--id", "0", "--spirv", spv, "--replace")
    with open(out, "rb") as f:
        replaced = f.read()
    check(p.returncode == 0 and replaced == kernel_bytes, "--replace of the last section gives the same bytes")

    p = run(wpvm, "attach-spirv", "--input", kernel, "--output", out, "--id", "7", "--spirv", spv)
    with open(out, "rb") as f:
        appended = f.read()
    check(p.returncode == 0 and appended.startswith(kernel_bytes) and appended.endswith(spv_bytes)
          and b"wasi-parallel" in appended[len(kernel_bytes):], "a section with id 7 is appended at the end")
    check(appended[-len(spv_bytes) - 4:-len(spv_bytes)] == (7).to_bytes(4, "little"), "the id is 4 LE bytes")
    p = run(wpvm, "validate", out)
    check(p.returncode == 0 and "OK" in p.stdout, "the result still validates")

    bad = os.path.join(tmp, "bad.spv")
    with open(bad, "wb") as f:
        f.write(b"\x01\x02\x03\x04\x05\x06")
    p = run(wpvm, "attach-spirv", "--input", kernel, "--output", out, "--id", "3", "--spirv", bad)
    check(p.returncode == 1 and p.stderr.startswith("Error:"), "non-SPIR-V is refused: " + p.stderr.strip())
    p = run(wpvm, "attach-spirv", "--input", spv, "--output", out, "--id", "3", "--spirv", spv)
    check(p.returncode == 1 and p.stderr.startswith("Error:"), "a non-Wasm input is refused: " + p.stderr.strip())
    p = run(wpvm, "attach-spirv", "--input", kernel, "--id", "3", "--spirv", spv)
    check(p.returncode == 2 and "usage" in p.stderr, "a missing --output is a usage error")

    p = run(wpvm, "devices")
    lines = p.stdout.splitlines()
    check(p.returncode == 0 and [l.split(":")[0] for l in lines[:4]] ==
          ["SEQUENTIAL", "CPU", "DISCRETE_GPU", "INTEGRATED_GPU"], "devices lists the four hints")
    vulkan = [l for l in lines if l.startswith("vulkan ")]
    real_gpus = [l for l in vulkan if "no compute queue" not in l
                 and any(t in l for t in ("(discrete-gpu", "(integrated-gpu", "(virtual-gpu"))]
    cpu_impls = [l for l in vulkan if "(cpu, " in l and "no compute queue" not in l]
    gpu_line = lines[2] if len(lines) > 2 else ""
    check(gpu_line.startswith("DISCRETE_GPU: gpu ") == bool(real_gpus),
          "auto: a GPU hint gets a GPU device exactly when a real GPU is listed: " + gpu_line)
    check(all("serves GPU hints" not in l for l in cpu_impls),
          "auto never marks a CPU implementation as serving GPU hints")
    if not real_gpus:
        check(gpu_line.startswith("DISCRETE_GPU: cpu"), "auto without a real GPU: the CPU device")

    # --gpu: an explicit selector that matches nothing is an error before the guest runs.
    p = run(wpvm, "run", "--gpu", "no-such-gpu", "--invoke", "nothing", kernel)
    check(p.returncode == 1 and "no-such-gpu" in p.stderr and "no function" not in p.stderr,
          "run --gpu no-such-gpu fails before the guest runs: " + p.stderr.strip())
    p = run(wpvm, "devices", "--gpu", "no-such-gpu")
    check(p.returncode == 1 and "no-such-gpu" in p.stderr, "devices --gpu no-such-gpu fails")
    p = run(wpvm, "devices", "--gpu", "none")
    check(p.returncode == 0 and p.stdout.splitlines()[2].startswith("DISCRETE_GPU: cpu"),
          "devices --gpu none: GPU hints get the CPU device")
    p = run(wpvm, "run", "--help")
    check("--gpu SELECTOR" in p.stdout + p.stderr, "run --help documents --gpu")
    if cpu_impls:
        index = cpu_impls[0].split(":")[0].split()[1]
        for selector in (index, "llvmpipe" if "llvmpipe" in cpu_impls[0] else index):
            p = run(wpvm, "devices", "--gpu", selector)
            out = p.stdout.splitlines()
            check(p.returncode == 0 and out[2].startswith("DISCRETE_GPU: gpu ")
                  and any(l.startswith("vulkan " + index + ":") and "serves GPU hints" in l for l in out),
                  "devices --gpu " + selector + " selects the CPU implementation: " + " | ".join(out))
            check(p.stderr.count("65,535 iterations") == 1, "and warns once about its loop cap: " + p.stderr.strip())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
