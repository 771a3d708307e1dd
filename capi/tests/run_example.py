#!/usr/bin/env python3
"""Runs one upstream wasm-c-api example program and checks what it prints.

usage: run_example.py NAME PROGRAM NAME.wasm

The program runs in a fresh directory holding NAME.wasm (each example opens
it from the current directory), with the environment it is given (WPVM_TIER
chooses the tier). It must exit with status 0 and print the lines EXPECTED
lists for it, in that order (other lines may come between them); COUNTED
lines must occur exactly that many times, anywhere.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# A frame as trap.c and start.c print it: instance, module offset,
# function index, function offset. The instance must be known (not "(nil)").
def frame(func_index):
    return re.compile(r"> 0x[0-9a-f]+ @ 0x[0-9a-f]+ = %d\.0x[0-9a-f]+$" % func_index)


EXPECTED = {
    "hello": ["Calling back...", "> Hello World!", "Shutting down...", "Done."],
    "callback": ["Calling back...", "> 7", "Calling back closure...", "> 42", "Printing result...", "> 49",
                 "Done."],
    "global": ["Accessing globals...", "Shutting down...", "Done."],
    "memory": ["Checking memory...", "Mutating memory...", "Growing memory...",
               "Creating stand-alone memory...", "Done."],
    "table": ["Checking table...", "Mutating table...", "Growing table...", "Creating stand-alone table...",
              "Done."],
    "trap": ["Calling export 0...", "Calling back...", "Printing message...", "> callback abort",
             "Printing origin...", frame(1), "Printing trace...", frame(1),
             "Calling export 1...", "Printing message...", "> unreachable",
             "Printing origin...", frame(2), "Printing trace...", frame(2), "Done."],
    "start": ["Printing message...", "> unreachable", "Printing origin...", frame(0), "Printing trace...",
              frame(0), "Done."],
    "multi": ["Calling back...", "> > 1 3 2 4", "Printing result...", "> 4 3 2 1", "Done."],
    "reflect": ['> export 0 "func"', ">> initial: func i32 f64 f32 -> i32", ">> current: func i32 f64 f32 -> i32",
                ">> in-arity: 3, out-arity: 1",
                '> export 1 "global"', ">> initial: global const f64", ">> current: global const f64",
                '> export 2 "table"', ">> initial: table 0d 50d funcref", ">> current: table 0d 50d funcref",
                '> export 3 "memory"', ">> initial: memory 1d", ">> current: memory 1d", "Done."],
    # Host info finalizers run when the store goes: store 1's first 100,001
    # instances outlive store 2.
    "finalize": ["Live count 0", "Running in store 1...", "Live count 100001", "Deleting store 2...",
                 "Finalizing #0...", "Finalizing #100000...", "Live count 100001", "Deleting store 1...",
                 "Live count 0", "Done."],
    "serialize": ["Serializing module...", "Deserializing module...", "Calling back...", "> Hello World!",
                  "Done."],
    "hostref": ["Accessing global...", "Accessing table...", "Accessing function...", "> > (nil)", "> > 0x1",
                "> > 0x2", "Done."],
    "threads": ["Waiting for thread: 9"],
}
COUNTED = {
    "threads": {"> Thread %d running" % i: 3 for i in range(10)},
}


def check(name, lines):
    problems = []
    pos = 0
    for want in EXPECTED[name]:
        while pos < len(lines):
            line = lines[pos]
            pos += 1
            if (want.match(line) if isinstance(want, re.Pattern) else line == want):
                break
        else:
            shown = want.pattern if isinstance(want, re.Pattern) else want
            problems.append("missing (in order): %r" % shown)
            break
    for want, n in COUNTED.get(name, {}).items():
        got = lines.count(want)
        if got != n:
            problems.append("%r printed %d times, expected %d" % (want, got, n))
    return problems


def main():
    name, program, wasm = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as cwd:
        shutil.copy(wasm, os.path.join(cwd, name + ".wasm"))
        r = subprocess.run([os.path.abspath(program)], cwd=cwd, capture_output=True, text=True, timeout=600)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    problems = check(name, r.stdout.splitlines())
    if r.returncode != 0:
        problems.append("exit status %d" % r.returncode)
    for p in problems:
        print("FAIL %s (WPVM_TIER=%s): %s" % (name, os.environ.get("WPVM_TIER", ""), p))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
