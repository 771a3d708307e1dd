#!/usr/bin/env python3
"""Runs the WASI preview1 conformance suite through `wpvm run`.

usage: run_wasi_testsuite.py WPVM SUITE_DIR EXPECTED_FILE SCRATCH_DIR [--only NAME]

Each test module X.wasm (with its optional spec X.json: args, env, root,
exit_code, stdout, stderr) runs in a fresh copy of its fixture directory,
preopened as the guest's "/". A test passes when the exit status matches and
each given stream starts with the expected text. EXPECTED_FILE lists tests
known to fail or to be skipped, one per line with a reason:
    <suite>/<test>  fail|skip  <reason>
The exit status is non-zero when a test fails that is not listed as failing.
Prints "N passed, N failed, N skipped" at the end.
"""
import json
import os
import shutil
import subprocess
import sys

TIMEOUT_S = 60  # upstream allows 5 s; an interpreter in a debug build needs more


def load_expected(path):
    expected = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split(None, 2)
            if len(parts) < 3 or parts[1] not in ("fail", "skip"):
                sys.exit(f"bad line in {path}: {line!r} (want: suite/test fail|skip reason)")
            expected[parts[0]] = parts[1]
    return expected


def find_tests(suite_dir):
    tests = []
    root = os.path.join(suite_dir, "tests")
    for lang in sorted(os.listdir(root)):
        d = os.path.join(root, lang, "testsuite", "wasm32-wasip1")
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if name.endswith(".wasm"):
                tests.append((lang, d, name[:-5]))
    return tests


def remove_cleanup(tree):
    for dirpath, dirnames, filenames in os.walk(tree, topdown=True):
        for n in list(dirnames) + filenames:
            if n.endswith(".cleanup"):
                p = os.path.join(dirpath, n)
                if os.path.isdir(p) and not os.path.islink(p):
                    shutil.rmtree(p)
                    if n in dirnames:
                        dirnames.remove(n)
                else:
                    os.unlink(p)


def run_one(wpvm, d, name, scratch):
    spec = {}
    spec_path = os.path.join(d, name + ".json")
    if os.path.exists(spec_path):
        with open(spec_path) as f:
            spec = json.load(f)
    if "operations" in spec:
        return False, "operation-based spec not supported"
    cmd = [wpvm, "run"]
    for k, v in spec.get("env", {}).items():
        cmd += ["--env", f"{k}={v}"]
    work = os.path.join(scratch, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    extra_args = []
    if spec.get("root"):
        fixture = os.path.join(work, "root")
        shutil.copytree(os.path.join(d, spec["root"]), fixture, symlinks=True)
        remove_cleanup(fixture)
        cmd += ["--dir", f"{fixture}::/"]
    for dir_name in spec.get("dirs", []):  # the older form: preopened under its own name
        shutil.copytree(os.path.join(d, dir_name), os.path.join(work, dir_name), symlinks=True)
        remove_cleanup(os.path.join(work, dir_name))
        cmd += ["--dir", f"{os.path.join(work, dir_name)}::{dir_name}"]
        extra_args.append(dir_name)
    module = os.path.join(d, name + ".wasm")
    cmd += [module] + extra_args + list(spec.get("args", []))
    try:
        p = subprocess.run(cmd, stdin=subprocess.PIPE, capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return False, f"timed out after {TIMEOUT_S} s"
    out = p.stdout.decode(errors="replace")
    err = p.stderr.decode(errors="replace")
    want = spec.get("exit_code", 0)
    problems = []
    if p.returncode != want:
        problems.append(f"exit status {p.returncode}, expected {want}")
    if "stdout" in spec and not out.startswith(spec["stdout"]):
        problems.append(f"stdout {out[:200]!r} does not start with {spec['stdout']!r}")
    if "stderr" in spec and not err.startswith(spec["stderr"]):
        problems.append(f"stderr {err[:200]!r} does not start with {spec['stderr']!r}")
    if problems and err:
        problems.append("stderr: " + err.strip()[-600:])
    shutil.rmtree(work, ignore_errors=True)
    return not problems, "; ".join(problems)


def main():
    args = sys.argv[1:]
    only = None
    if "--only" in args:
        i = args.index("--only")
        only = args[i + 1]
        del args[i:i + 2]
    if len(args) != 4:
        sys.exit(__doc__)
    wpvm, suite_dir, expected_file, scratch = args
    expected = load_expected(expected_file)
    os.makedirs(scratch, exist_ok=True)
    passed = failed = skipped = unexpected = 0
    for lang, d, name in find_tests(suite_dir):
        key = f"{lang}/{name}"
        if only and only not in key:
            continue
        if expected.get(key) == "skip":
            skipped += 1
            print(f"SKIP {key}")
            continue
        ok, why = run_one(wpvm, d, name, scratch)
        if ok:
            passed += 1
            note = "  (listed as fail: remove it from the list)" if expected.get(key) == "fail" else ""
            print(f"PASS {key}{note}")
        else:
            failed += 1
            if expected.get(key) == "fail":
                print(f"FAIL {key} (expected): {why}")
            else:
                unexpected += 1
                print(f"FAIL {key}: {why}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped"
          + (f" ({unexpected} unexpected)" if unexpected else ""))
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
