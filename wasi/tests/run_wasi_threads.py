#!/usr/bin/env python3
"""Runs the wasi-threads conformance modules through `wpvm run`.

usage: run_wasi_threads.py WPVM SUITE_DIR [RUN_OPTION...]

RUN_OPTIONs (e.g. --tier jit) go to every `wpvm run`.

Every X.wasm in SUITE_DIR runs with the defaults of the WASI suite's test
spec protocol, overridden by X.json when present (args, env, exit_code,
stdout, dirs: each preopened under its name, as a fresh empty directory).
Standard input is a pipe that stays open and empty, so a guest that reads it
blocks (the *_wasi_read tests end the program from another thread
while the main thread is blocked there). A test passes when the exit status
matches, and stdout starts with the expected text when one is given.
Prints "N passed, N failed" and exits non-zero on any failure.
"""
import json
import os
import subprocess
import sys
import tempfile

TIMEOUT_S = 60


def run_one(wpvm, options, path, spec):
    with tempfile.TemporaryDirectory() as scratch:
        cmd = [wpvm, "run"] + options
        for k, v in spec.get("env", {}).items():
            cmd += ["--env", f"{k}={v}"]
        for name in spec.get("dirs", []):
            os.makedirs(os.path.join(scratch, name))
            cmd += ["--dir", f"{os.path.join(scratch, name)}::{name}"]
        cmd += [path] + spec.get("args", [])
        return run_cmd(cmd, spec)


def run_cmd(cmd, spec):
    # communicate() would close a PIPE stdin: hold the write end ourselves.
    stdin_r, stdin_w = os.pipe()
    p = subprocess.Popen(cmd, stdin=stdin_r, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(stdin_r)
    try:
        out, err = p.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return f"timed out after {TIMEOUT_S} s"
    finally:
        os.close(stdin_w)
    want = spec.get("exit_code", 0)
    if p.returncode != want:
        return f"exit status {p.returncode}, expected {want}; stderr: {err.decode(errors='replace')[:300]}"
    if "stdout" in spec and not out.decode(errors="replace").startswith(spec["stdout"]):
        return f"stdout {out[:200]!r}, expected {spec['stdout']!r}"
    return None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    wpvm, suite, options = sys.argv[1], sys.argv[2], sys.argv[3:]
    passed = failed = 0
    for name in sorted(os.listdir(suite)):
        if not name.endswith(".wasm"):
            continue
        path = os.path.join(suite, name)
        spec_path = path[:-5] + ".json"
        spec = {}
        if os.path.exists(spec_path):
            with open(spec_path) as f:
                spec = json.load(f)
        problem = run_one(wpvm, options, path, spec)
        if problem:
            failed += 1
            print(f"FAIL {name}: {problem}")
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
