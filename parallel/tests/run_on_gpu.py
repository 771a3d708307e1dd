#!/usr/bin/env python3
"""Runs `wpvm run --gpu SELECTOR ARGS...` with the GPU the tests use
($WPVM_TEST_GPU, else lavapipe by name: `wpvm run` never picks a CPU
implementation of Vulkan by itself) and passes its exit status on. Exits 77
(skip) when no Vulkan device matches, saying so.

usage: run_on_gpu.py WPVM [run options and module...]
"""
import os
import subprocess
import sys


def main():
    wpvm, rest = sys.argv[1], sys.argv[2:]
    gpu = os.environ.get("WPVM_TEST_GPU") or "llvmpipe"
    probe = subprocess.run([wpvm, "devices", "--gpu", gpu], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if probe.returncode != 0:
        print(f"skipped: no Vulkan device matches --gpu {gpu} (Debian: mesa-vulkan-drivers, or set WPVM_TEST_GPU)")
        return 77
    return subprocess.run([wpvm, "run", "--gpu", gpu] + rest).returncode


if __name__ == "__main__":
    sys.exit(main())
