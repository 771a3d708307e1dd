#!/usr/bin/env python3
"""Sums a meson test log: the spec and WASI runners report their own command
counts on a last line "N passed, N failed, N skipped"; every other test counts
as one. A runner that exited 0 had only expected (listed) failures, which count
as passed. Prints the totals as the final line."""
import json
import re
import sys

LINE = re.compile(r"^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$")


def main(path):
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
    print(f"{passed} passed, {failed} failed, {skipped} skipped")


if __name__ == "__main__":
    main(sys.argv[1])
