#!/usr/bin/env python3
"""Copies an upstream example's .wat, updated to today's text format.

usage: fix_wat.py IN.wat OUT.wat

Two of the examples predate it (see the wasm-c-api folder's README):
`(ref.null)` is now `(ref.null extern)` and `anyfunc` is `funcref`. Other
files are copied unchanged. The original is never modified.
"""
import re
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src) as f:
        text = f.read()
    text = text.replace("(ref.null)", "(ref.null extern)")
    text = re.sub(r"\banyfunc\b", "funcref", text)
    with open(dst, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
