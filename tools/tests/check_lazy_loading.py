#!/usr/bin/env python3
"""What `wpvm run` loads, and when (the dynamic loader's own account,
LD_DEBUG=files):

* an empty WASI command loads no Vulkan loader, driver, SPIR-V library or
  reflection module, and does not start oneTBB (which loads libtbbmalloc);
* a guest that asks for the GPU on the test GPU loads the Vulkan loader and
  the reflection module and runs its SPIR-V (skipped without a device);
* with the Vulkan loader missing ($WPVM_VULKAN_LOADER pointing nowhere), or
  no reflection module, every path says why and nothing crashes.

usage: check_lazy_loading.py --vulkan|--no-vulkan WPVM EMPTY.wasm GPU_GUEST.wasm
(--no-vulkan: a build without the Vulkan backend; only the first checks apply)
"""
import os
import subprocess
import sys

failures = []
# Loaded only for a GPU or the CPU device (file names as LD_DEBUG prints them).
LAZY = ("libvulkan", "libspirv-cross", "wpvm-spirv-reflect", "libtbbmalloc")
MISSING = "/nonexistent/libvulkan.so.1"


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def run(args, **env):
    e = dict(os.environ)
    e.update(env)
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)


def loaded(stderr):
    """The files the dynamic loader opened: 'file=NAME [0];  needed by' or
    '...dynamically loaded by'."""
    names = set()
    for line in stderr.splitlines():
        at = line.find("file=")
        if at >= 0 and ("needed by" in line or "dynamically loaded by" in line):
            names.add(line[at + 5:].split()[0])
    return names


def lazy_ones(names):
    return sorted(n for n in names if any(k in n for k in LAZY))


def main():
    vulkan = sys.argv[1] == "--vulkan"
    wpvm, empty, guest = sys.argv[2:5]
    gpu = os.environ.get("WPVM_TEST_GPU") or "llvmpipe"

    p = run([wpvm, "run", empty], LD_DEBUG="files")
    names = loaded(p.stderr)
    check(p.returncode == 0 and names, "an empty command runs (and LD_DEBUG lists what it loads)")
    check(not lazy_ones(names), "an empty command loads none of %s: %s" % (", ".join(LAZY), lazy_ones(names)))

    # A guest using only the sequential device starts neither Vulkan nor oneTBB.
    p = run([wpvm, "run", guest, "--device", "seq"], LD_DEBUG="files")
    check(p.returncode == 0 and "Solution validates" in p.stdout, "the guest validates on SEQUENTIAL")
    check(not lazy_ones(loaded(p.stderr)), "SEQUENTIAL alone loads none of them: %s" % lazy_ones(loaded(p.stderr)))

    if not vulkan:
        print("skipped (a build without Vulkan): the GPU and loader checks")
        print(f"{len(failures)} failed")
        return 1 if failures else 0

    have_gpu = run([wpvm, "devices", "--gpu", gpu]).returncode == 0
    if have_gpu:
        p = run([wpvm, "run", "--parallel-verbose", "--gpu", gpu, guest, "--device", "gpu"], LD_DEBUG="files")
        names = loaded(p.stderr)
        check(p.returncode == 0 and "Solution validates" in p.stdout
              and "pipeline built for a SPIR-V kernel" in p.stderr,
              "on the GPU (--gpu %s) the guest validates, from SPIR-V" % gpu)
        check(any("libvulkan.so" in n for n in names) and any("wpvm-spirv-reflect" in n for n in names),
              "the GPU run loads the Vulkan loader and the reflection module")

        # No reflection module: the kernel fails with device_error and a reason.
        p = run([wpvm, "run", "--gpu", gpu, guest, "--device", "gpu"],
                WPVM_SPIRV_REFLECT_MODULE="/nonexistent/libwpvm-spirv-reflect.so")
        check(p.returncode > 0 and "SPIR-V reflection is unavailable" in p.stderr
              and "/nonexistent/libwpvm-spirv-reflect.so" in p.stderr,
              "without the reflection module a GPU kernel fails cleanly: " + last_line(p.stderr))
    else:
        print(f"skipped (no Vulkan device matches --gpu {gpu}): the GPU checks")

    # No Vulkan loader at all.
    p = run([wpvm, "devices"], WPVM_VULKAN_LOADER=MISSING)
    check(p.returncode == 0 and "CPU:" in p.stdout, "`wpvm devices` works without a Vulkan loader")
    p = run([wpvm, "run", "--gpu", gpu, guest, "--device", "gpu"], WPVM_VULKAN_LOADER=MISSING)
    check(p.returncode > 0 and "cannot use the Vulkan loader " + MISSING in p.stderr,
          "--gpu without a Vulkan loader is an error that says why: " + last_line(p.stderr))
    p = run([wpvm, "run", "--parallel-verbose", guest, "--device", "gpu"], WPVM_VULKAN_LOADER=MISSING)
    check(p.returncode == 0 and "Solution validates" in p.stdout and "the CPU device serves GPU hints" in p.stderr
          and "cannot use the Vulkan loader" in p.stderr,
          "without a Vulkan loader GPU hints get the CPU device, and verbose mode says why")
    # A library that is no Vulkan loader.
    p = run([wpvm, "run", "--parallel-verbose", guest, "--device", "gpu"], WPVM_VULKAN_LOADER="libm.so.6")
    check(p.returncode == 0 and "Solution validates" in p.stdout and "has no vkGetInstanceProcAddr" in p.stderr,
          "a library that is no Vulkan loader is refused with the reason")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


def last_line(text):
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1] if lines else "(nothing on stderr)"


if __name__ == "__main__":
    sys.exit(main())
