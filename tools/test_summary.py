#!/usr/bin/env python3
"""Sums meson test logs: the spec and WASI runners report their own command
counts on a last line "N passed, N failed, N skipped"; every other test counts
as one. A runner that exited 0 had only expected (listed) failures, which count
as passed. `--results FILE` adds one check per line of FILE, "NAME: ok ..."
passed and anything else failed (tools/fuzz.sh's summary). Prints the totals
of every log and results file given as the final line.

Usage: test_summary.py TESTLOG.json... [--results FILE]..."""
import json
import re
import sys

LINE = re.compile(r"^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$")


def count_log(path):
    passed = failed = skipped = 0
    with open(path) as f:
        for raw in f:
            t = json.loads(raw)
            ok = t["result"] in ("OK", "EXPECTEDFAIL")
            skip = t["result"] == "SKIP"
            counts = None
            if t["result"] == "EXPECTEDFAIL":
                passed += 1  # a should_fail test: its own counts describe the failure it must show
                continue
            for line in reversed((t.get("stdout") or "").splitlines()):
                m = LINE.match(line.strip())
                if m:
                    counts = m
                    break
            if counts:
                passed += int(counts.group(1))
                # A runner that exits 0 only lists failures it was told to
                # expect (its expectation list): those count as passing checks.
                if ok:
                    passed += int(counts.group(2))
                else:
                    failed += int(counts.group(2))
                skipped += int(counts.group(3) or 0)
                if not ok and not skip and int(counts.group(2)) == 0:
                    failed += 1  # the runner failed for another reason
            elif skip:
                skipped += 1
            elif ok:
                passed += 1
            else:
                failed += 1
    return passed, failed, skipped


def count_results(path):
    passed = failed = 0
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            if re.match(r"^[^:]+: ok\b", line):
                passed += 1
            else:
                failed += 1
    return passed, failed, 0


def main(args):
    totals = [0, 0, 0]
    i = 0
    while i < len(args):
        if args[i] == "--results":
            counts = count_results(args[i + 1])
            i += 2
        else:
            counts = count_log(args[i])
            i += 1
        totals = [a + b for a, b in zip(totals, counts)]
    print(f"{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")


if __name__ == "__main__":
    main(sys.argv[1:])
