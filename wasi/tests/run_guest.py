#!/usr/bin/env python3
"""Runs one WASI guest through `wpvm run` in a fresh sandbox and checks it.

usage: run_guest.py WPVM GUEST.wasm SCRATCH [--status N | --nonzero]
                    [--stdout TEXT]... [--stderr TEXT]... [--env NAME=VALUE]...
                    [--no-dir] [--stdio-files] [--exact-stdout TEXT]
                    [-- GUEST_ARGS...]

The sandbox is SCRATCH/root (preopened as "/"), next to SCRATCH/outside/secret,
with the links root/out_link -> ../outside, root/abs_link -> /, and
root/chain -> out_link planted for the escape tests. Each --stdout/--stderr TEXT
must occur in that stream. With --stdio-files, stdin, stdout and stderr are
regular files (SCRATCH/stdin.txt, stdout.txt, stderr.txt): stdin must be left
as it was, and with --exact-stdout the stdout file must hold exactly TEXT.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def echo_client(port, problems):
    """Connects (retrying while the guest starts), sends a line, checks the echo."""
    deadline = time.time() + 60
    while True:
        try:
            conn = socket.create_connection(("127.0.0.1", port), timeout=60)
            break
        except OSError:
            if time.time() > deadline:
                problems.append("could not connect to the guest's socket")
                return
            time.sleep(0.05)
    with conn:
        conn.sendall(b"hello socket\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = conn.recv(100)
            if not chunk:
                break
            reply += chunk
    if reply != b"HELLO SOCKET\n":
        problems.append(f"socket reply {reply!r}, expected b'HELLO SOCKET\\n'")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wpvm")
    ap.add_argument("guest")
    ap.add_argument("scratch")
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--nonzero", action="store_true")
    ap.add_argument("--stdout", action="append", default=[])
    ap.add_argument("--stderr", action="append", default=[])
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--no-dir", action="store_true")
    ap.add_argument("--stdio-files", action="store_true")
    ap.add_argument("--exact-stdout")
    ap.add_argument("--tcp-echo", action="store_true",
                    help="give the guest a listening socket and talk to it as an echo client")
    argv = sys.argv[1:]
    guest_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, guest_args = argv[:i], argv[i + 1:]
    a = ap.parse_args(argv)
    a.guest_args = guest_args
    shutil.rmtree(a.scratch, ignore_errors=True)
    root = os.path.join(a.scratch, "root")
    outside = os.path.join(a.scratch, "outside")
    os.makedirs(root)
    os.makedirs(outside)
    with open(os.path.join(outside, "secret"), "w") as f:
        f.write("secret\n")
    os.symlink("../outside", os.path.join(root, "out_link"))
    os.symlink("/", os.path.join(root, "abs_link"))
    os.symlink("out_link", os.path.join(root, "chain"))
    cmd = [a.wpvm, "run"]
    if not a.no_dir:
        cmd += ["--dir", f"{root}::/"]
    for e in a.env:
        cmd += ["--env", e]
    problems = []
    port = free_port() if a.tcp_echo else 0
    if a.tcp_echo:
        cmd += ["--tcplisten", f"127.0.0.1:{port}"]
    cmd += [a.guest] + a.guest_args
    stdin_text = b"hello from the host\n"
    if a.stdio_files:
        files = {n: os.path.join(a.scratch, n + ".txt") for n in ("stdin", "stdout", "stderr")}
        with open(files["stdin"], "wb") as f:
            f.write(stdin_text)
        with open(files["stdin"], "rb") as i, open(files["stdout"], "wb") as o, \
                open(files["stderr"], "wb") as e:
            p = subprocess.Popen(cmd, stdin=i, stdout=o, stderr=e)
            p.communicate(timeout=300)
        with open(files["stdin"], "rb") as f:
            if f.read() != stdin_text:
                problems.append("the guest changed the host's stdin file")
        with open(files["stdout"], "rb") as f:
            out = f.read()
        with open(files["stderr"], "rb") as f:
            err = f.read()
    else:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        if a.tcp_echo:
            echo_client(port, problems)
        out, err = p.communicate(timeout=300)
    if a.exact_stdout is not None and out != a.exact_stdout.encode():
        problems.append(f"stdout holds {out[:200]!r} ({len(out)} bytes), "
                        f"expected exactly {a.exact_stdout!r}")
    out, err = out.decode(errors="replace"), err.decode(errors="replace")
    if a.nonzero:
        if p.returncode == 0:
            problems.append("expected a non-zero exit status, got 0")
    elif p.returncode != a.status:
        problems.append(f"expected exit status {a.status}, got {p.returncode}")
    problems += [f"stdout lacks {t!r}" for t in a.stdout if t not in out]
    problems += [f"stderr lacks {t!r}" for t in a.stderr if t not in err]
    if os.listdir(outside) != ["secret"]:
        problems.append(f"the guest wrote outside its sandbox: {os.listdir(outside)}")
    print("command:", " ".join(cmd))
    print("--- stdout ---\n" + out + "--- stderr ---\n" + err)
    for pr in problems:
        print("FAIL:", pr)
    if not problems:
        shutil.rmtree(a.scratch, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
