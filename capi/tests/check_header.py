#!/usr/bin/env python3
"""Checks that our wasm.h declares what the standard one does.

usage: check_header.py CC... -- OURS.h STANDARD.h

Both headers are preprocessed (without their #include lines, which are
compared as a set) and their token streams compared, macro definitions
included (-dD). The one allowed difference is assertions(): ours is
`static inline` and words its messages differently (capi/README.md).
"""
import os
import re
import subprocess
import sys
import tempfile

INCLUDE = re.compile(r"^\s*#\s*include\s*<([^>]+)>", re.M)
ASSERTIONS = re.compile(r"(static\s+)?inline\s+void\s+assertions\s*\(\s*void\s*\)\s*\{[^}]*\}")
TOKEN = re.compile(r"\w+|\S")


def tokens(cc, header):
    with open(header) as f:
        text = f.read()
    includes = set(INCLUDE.findall(text))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "h.h")
        with open(path, "w") as f:
            f.write(INCLUDE.sub("", text))
        out = subprocess.run(cc + ["-E", "-P", "-dD", "-undef", "-x", "c", path], capture_output=True, text=True,
                             check=True).stdout
    # Our own file name and the compiler's predefined macros are not the header's.
    out = "\n".join(l for l in out.splitlines() if not l.startswith("#define __") and "h.h" not in l)
    body, n = ASSERTIONS.subn("", out)
    return includes, TOKEN.findall(body), n


def main():
    sep = sys.argv.index("--")
    cc, (ours, standard) = sys.argv[1:sep], sys.argv[sep + 1:]
    our_includes, our_tokens, our_assertions = tokens(cc, ours)
    std_includes, std_tokens, std_assertions = tokens(cc, standard)
    problems = []
    if our_includes != std_includes:
        problems.append("includes differ: ours %s, standard %s" % (sorted(our_includes), sorted(std_includes)))
    if our_assertions != 1 or std_assertions != 1:
        problems.append("assertions() not found once in each header")
    if our_tokens != std_tokens:
        i = next((k for k, (a, b) in enumerate(zip(our_tokens, std_tokens)) if a != b),
                 min(len(our_tokens), len(std_tokens)))
        problems.append("declarations differ at token %d: ours %r, standard %r" %
                        (i, " ".join(our_tokens[max(0, i - 8):i + 8]), " ".join(std_tokens[max(0, i - 8):i + 8])))
    for p in problems:
        print("FAIL:", p)
    if not problems:
        print("wasm.h: %d tokens as the standard's, includes %s" % (len(our_tokens), sorted(our_includes)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
