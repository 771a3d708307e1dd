#!/usr/bin/env python3
"""Installs wpvm into a temporary destdir and builds programs against the
installed tree with pkg-config only: the test that catches a missing header
or library, or an installed header that is not C++17 or includes one that
is not installed.

usage: check_install.py --build BUILD_DIR --game-wasm GAME.wasm
                        --example examples/game_host.cpp
                        [--parallel-guest GUEST.wasm]
                        [--wasi-host-example examples/wasi_host.c --wasi-guest GUEST.wasm]
                        [--capi-examples DIR --capi-wasm DIR --run-example run_example.py]

With --capi-examples, the upstream wasm-c-api example programs (DIR/NAME.c)
are built as C (gnu11) against the installed tree too, and each is run on
both tiers by run_example.py with its NAME.wasm from --capi-wasm.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.stderr.write("FAIL: %s\n%s%s" % (" ".join(cmd), p.stdout, p.stderr))
        sys.exit(1)
    return p.stdout


def check_wasi_host(dest, cflags, libs, example, guest):
    """wpvm.h compiles alone as C11 and as C++17; the C example host on it,
    built as C11 against the installed tree with `pkg-config --cflags --libs
    wpvm` alone, runs a WASI guest and prints its captured output back."""
    for std, lang in [("c11", "c"), ("c++17", "c++")]:
        run(["c++" if lang == "c++" else "cc", "-std=" + std, "-Wall", "-Wextra", "-pedantic", "-Werror",
             "-fsyntax-only", "-x", lang, "-"] + cflags, input='#include "wpvm.h"\n')
    print("wpvm.h compiles alone as C11 and as C++17")
    exe = os.path.join(dest, "wasi_host")
    run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", example, "-o", exe] + cflags + libs)
    p = subprocess.run([exe, guest], capture_output=True, text=True)
    if "guest| " not in p.stdout or ("guest exited with %d" % p.returncode) not in p.stdout:
        sys.exit("FAIL: wasi_host's output (status %d) lacks the guest's lines or its exit code:\n%s%s"
                 % (p.returncode, p.stdout, p.stderr))
    print("examples/wasi_host.c built as C11 with pkg-config --cflags --libs wpvm alone and ran")


def check_capi_examples(a, dest, cflags, libs):
    """The upstream wasm-c-api examples, unchanged, against the installed wasm.h and libwpvm.a."""
    names = sorted(os.path.basename(c)[:-2] for c in glob.glob(os.path.join(a.capi_examples, "*.c")))
    if not names:
        sys.exit("FAIL: no example programs in %s" % a.capi_examples)
    for name in names:
        exe = os.path.join(dest, "capi-" + name)
        run(["cc", "-std=gnu11", "-UNDEBUG", os.path.join(a.capi_examples, name + ".c"), "-o", exe] + cflags + libs)
        for tier in ["jit", "interp"]:
            run([sys.executable, a.run_example, name, exe, os.path.join(a.capi_wasm, name + ".wasm")],
                env=dict(os.environ, WPVM_TIER=tier))
    print("%d wasm-c-api examples built with pkg-config --cflags --libs wpvm alone and ran on both tiers" %
          len(names))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--game-wasm", required=True)
    ap.add_argument("--example", required=True)
    ap.add_argument("--c-example", help="examples/game_host.c: the same game on wasm.h")
    ap.add_argument("--parallel-guest")
    ap.add_argument("--wasi-host-example")
    ap.add_argument("--wasi-guest")
    ap.add_argument("--capi-examples")
    ap.add_argument("--capi-wasm")
    ap.add_argument("--run-example")
    ap.add_argument("--sanitize", help="the build's sanitizers (b_sanitize): a program linking its "
                    "instrumented libraries links their runtimes too")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="wpvm-install-") as dest:
        run(["meson", "install", "-C", a.build, "--no-rebuild", "--quiet", "--destdir", dest])
        pcs = glob.glob(os.path.join(dest, "**", "pkgconfig", "wpvm.pc"), recursive=True)
        if len(pcs) != 1:
            sys.exit("FAIL: expected one installed wpvm.pc, found %s" % pcs)
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]), PKG_CONFIG_SYSROOT_DIR=dest)
        cflags = run(["pkg-config", "--cflags", "wpvm"], env=env).split()
        libs = run(["pkg-config", "--libs", "wpvm"], env=env).split()
        if a.sanitize:
            libs.append("-fsanitize=" + a.sanitize)
        if not any(f.startswith("-I" + dest) for f in cflags):
            sys.exit("FAIL: pkg-config --cflags names no installed include directory: %s" % cflags)
        incdir = next(f[2:] for f in cflags if f.startswith("-I" + dest))

        # Every installed header compiles alone as C++17, with no warning.
        headers = sorted(glob.glob(os.path.join(incdir, "wpvm", "*.h"))) + [os.path.join(incdir, "wpvm.hpp")]
        for h in headers:
            src = '#include "%s"\n' % os.path.relpath(h, incdir)
            run(["c++", "-std=c++17", "-Wall", "-Wextra", "-pedantic", "-Werror", "-fsyntax-only",
                 "-x", "c++", "-"] + cflags, input=src)
        print("%d installed headers compile alone as C++17" % len(headers))
        # wasm.h is C: alone as C11 and as C++17.
        for std, lang in [("c11", "c"), ("c++17", "c++")]:
            run(["c++" if lang == "c++" else "cc", "-std=" + std, "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                 "-x", lang, "-"] + cflags, input='#include "wasm.h"\n')
        print("wasm.h compiles alone as C11 and as C++17")

        # The example host, built and run against the installed tree.
        exe = os.path.join(dest, "game_host")
        run(["c++", "-std=c++17", "-Wall", "-Wextra", "-Werror", a.example, "-o", exe] + cflags + libs)
        args = [exe, a.game_wasm] + ([a.parallel_guest, "2", "65536"] if a.parallel_guest else [])
        out = run(args)
        for want in ["player at (5, 2), score 25", "update trapped: out of bounds memory access"] + \
                ([ "Solution validates"] if a.parallel_guest else []):
            if want not in out:
                sys.exit("FAIL: game_host's output lacks %r:\n%s" % (want, out))
        print("examples/game_host.cpp built with pkg-config --cflags --libs wpvm alone and ran")

        if a.wasi_host_example and a.wasi_guest:
            check_wasi_host(dest, cflags, libs, a.wasi_host_example, a.wasi_guest)
        if a.c_example:
            exe_c = os.path.join(dest, "game_host_c")
            run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", a.c_example, "-o", exe_c] + cflags + libs)
            out = run([exe_c, a.game_wasm])
            for want in ["player at (5, 2), score 25", "update trapped: out of bounds memory access"]:
                if want not in out:
                    sys.exit("FAIL: game_host_c's output lacks %r:\n%s" % (want, out))
            print("examples/game_host.c built as C with pkg-config --cflags --libs wpvm alone and ran")
        if a.capi_examples:
            check_capi_examples(a, dest, cflags, libs)
    print("install check passed")


if __name__ == "__main__":
    main()
