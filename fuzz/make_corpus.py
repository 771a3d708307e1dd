#!/usr/bin/env python3
"""make_corpus.py WAST2JSON TESTSUITE OUTDIR STAMP: the fuzzers' seed corpus.

Converts every script of TESTSUITE/core and TESTSUITE/threads with wabt's
wast2json in a temporary folder and copies the binary modules it gives
(valid, invalid and malformed ones alike) into OUTDIR as SCRIPT.N.wasm.
The suite is only read; scripts wast2json cannot convert are left out.
Writes STAMP, the number of modules, last."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

wast2json, suite, out, stamp = sys.argv[1:5]
os.makedirs(out, exist_ok=True)
for old in glob.glob(os.path.join(out, "*.wasm")):
    os.remove(old)
count = 0
scripts = sorted(glob.glob(os.path.join(suite, "core", "*.wast")) + glob.glob(os.path.join(suite, "threads", "*.wast")))
with tempfile.TemporaryDirectory() as tmp:
    for script in scripts:
        name = os.path.relpath(script, suite).replace(os.sep, "_")[: -len(".wast")]
        work = os.path.join(tmp, name)
        os.mkdir(work)
        r = subprocess.run([wast2json, "--enable-threads", script, "-o", os.path.join(work, name + ".json")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode != 0:
            continue
        for wasm in sorted(glob.glob(os.path.join(work, "*.wasm"))):
            shutil.copyfile(wasm, os.path.join(out, os.path.basename(wasm)))
            count += 1
if count == 0:
    sys.exit(f"make_corpus.py: no module converted from {suite}")
with open(stamp, "w") as f:
    f.write(f"{count}\n")
