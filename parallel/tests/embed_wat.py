#!/usr/bin/env python3
"""embed_wat.py: put a kernel module's bytes into a WAT caller.

Usage: embed_wat.py TEMPLATE.wat KERNEL.wasm OUTPUT.wat

Replaces "@KERNEL@" (with its quotes) by the kernel's bytes as a WAT string
and @KERNEL_LEN@ by their count, so that a hand-written caller can carry a
kernel built elsewhere.
"""
import sys


def main():
    template, kernel, output = sys.argv[1:4]
    data = open(kernel, "rb").read()
    if not data.startswith(b"\0asm"):
        sys.exit(f"embed_wat.py: {kernel} is not a Wasm module")
    text = open(template, encoding="utf-8").read()
    if '"@KERNEL@"' not in text:
        sys.exit(f'embed_wat.py: {template} has no "@KERNEL@" to replace')
    literal = '"' + "".join(f"\\{b:02x}" for b in data) + '"'
    text = text.replace('"@KERNEL@"', literal).replace("@KERNEL_LEN@", str(len(data)))
    with open(output, "w", encoding="utf-8") as out:
        out.write(text)


if __name__ == "__main__":
    main()
