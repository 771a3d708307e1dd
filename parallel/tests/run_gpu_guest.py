#!/usr/bin/env python3
"""Runs one PRK guest through `wpvm run --gpu llvmpipe` (or --gpu
$WPVM_TEST_GPU) on the SEQUENTIAL and GPU devices and
checks that the PRK validation passes on both and that the GPU device really
ran SPIR-V (no fallback to the CPU device). Exits 77 (skip) when there is no
Vulkan device, saying so.

usage: run_gpu_guest.py [--validation] WPVM GUEST.wasm [guest args...]
--validation: run under VK_LAYER_KHRONOS_validation (77 without the layer);
any message from the layer fails the run.
"""
import os
import subprocess
import sys

# The Vulkan layer's validation-layer harness (vulkan/tests/run_validated.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "vulkan", "tests"))
from run_validated import LAYER, MARKERS, validation_env  # noqa: E402


def test_gpu():
    """The device the GPU tests select: WPVM_TEST_GPU, else lavapipe by name
    (`wpvm run` never picks a CPU implementation of Vulkan by itself)."""
    return os.environ.get("WPVM_TEST_GPU") or "llvmpipe"


def has_vulkan_device(wpvm, env, selector):
    """Whether the selector names a Vulkan device (`wpvm devices --gpu` fails otherwise)."""
    proc = subprocess.run([wpvm, "devices", "--gpu", selector], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    return proc.returncode == 0


def layer_available():
    """Whether the loader can find the layer's manifest (Debian's package puts
    it in /usr/share/vulkan/explicit_layer.d)."""
    dirs = [d for d in os.environ.get("VK_LAYER_PATH", "").split(":") if d]
    dirs += ["/usr/share/vulkan/explicit_layer.d", "/usr/local/share/vulkan/explicit_layer.d",
             "/etc/vulkan/explicit_layer.d"]
    return any(os.path.isdir(d) and any("khronos_validation" in f for f in os.listdir(d)) for d in dirs)


def main():
    args = sys.argv[1:]
    validation = bool(args) and args[0] == "--validation"
    if validation:
        args = args[1:]
    wpvm, guest, rest = args[0], args[1], args[2:]
    env = dict(os.environ)
    gpu = test_gpu()
    if not has_vulkan_device(wpvm, env, gpu):
        print(f"skipped: no Vulkan device matches --gpu {gpu} (install a Vulkan driver, e.g. Debian "
              "mesa-vulkan-drivers, or set WPVM_TEST_GPU)")
        return 77
    if validation:
        if not layer_available():
            print(f"skipped: {LAYER} is not installed (Debian: vulkan-validationlayers)")
            return 77
        env = validation_env(env)
    proc = subprocess.run([wpvm, "run", "--parallel-verbose", "--gpu", gpu, guest, "--device", "seq,gpu"] + rest,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sys.stdout.write(proc.stdout)
    sys.stdout.write(proc.stderr)
    failures = []
    if proc.returncode != 0:
        failures.append(f"wpvm exited with {proc.returncode}")
    if proc.stdout.count("Solution validates") != 2:
        failures.append("the PRK validation did not pass on both devices")
    if "pipeline built for a SPIR-V kernel" not in proc.stderr:
        failures.append("the GPU device built no SPIR-V pipeline")
    for bad in ("carries no SPIR-V", "the CPU device serves GPU hints"):
        if bad in proc.stderr:
            failures.append(f"fell back to the CPU device ({bad})")
    if validation:
        # The layer's default callback may print to either stream.
        both = proc.stdout.splitlines() + proc.stderr.splitlines()
        reported = [l for l in both if any(m in l for m in MARKERS)]
        if reported:
            failures.append(f"the validation layer reported {len(reported)} message(s)")
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
