#!/usr/bin/env python3
"""Runs the GPU tests under the Khronos validation layer (with synchronisation
validation) and fails on any message the layer prints. Exits 77 (skip) when
the layer is not installed."""
import os
import subprocess
import sys

LAYER = "VK_LAYER_KHRONOS_validation"
MARKERS = ("Validation Error", "Validation Warning", "VUID-", "SYNC-HAZARD", "UNASSIGNED-")


def validation_env(env):
    """env with the layer and its synchronisation validation enabled. Under
    AddressSanitizer, leak checking is off: the layer (Debian's
    vulkan-validationlayers) leaks some of its own allocations, which
    LeakSanitizer reports from the unloaded library; every test here also
    runs without the layer, leak-checked."""
    env = dict(env)
    env["VK_INSTANCE_LAYERS"] = LAYER
    env["VK_LAYER_ENABLES"] = "VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT"
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS", ""), "detect_leaks=0"]))
    return env


def main():
    binary = sys.argv[1]
    env = validation_env(os.environ)
    proc = subprocess.run([binary, "--require-layer", LAYER], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(proc.stdout)
    if proc.returncode == 77:
        print(f"skipped: {LAYER} is not installed (Debian: vulkan-validationlayers)")
        return 77
    reported = [line for line in proc.stdout.splitlines() if any(m in line for m in MARKERS)]
    if reported:
        print(f"FAIL: the validation layer reported {len(reported)} message(s)")
        return 1
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
