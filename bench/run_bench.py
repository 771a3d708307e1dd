#!/usr/bin/env python3
"""Benchmark: per program, native clang-14 -O2 against wpvm's JIT and
interpreter (each also with fuel on, and the JIT with epoch checks on; the
JIT also on the guest built with -msimd128, jit-simd) and node's V8 (Liftoff only, and the optimising tier), all built from the same
C source. Prints seconds, ratios to native and the geometric means, what
fuel and epoch checks cost (time on / off), then the JIT's compile speed on
the largest module; --json FILE writes the same figures.

  bench/run_bench.py --wpvm BUILD/tools/wpvm [--quick] [--only NAME,...]
                     [--skip CONFIG,...] [--repeat N] [--clock wall|cpu] [--json FILE]

Programs: the PRK kernels run sequentially (the native twins of
bench/native compiled as plain WASI programs) and the programs in
bench/programs: small integer/branchy ones, a CoreMark-style integer
workload, and PolyBench-style dense, dynamic-programming and stencil
kernels (these check their results and fail on a mismatch). Times are per
process (best of --repeat runs), so they include start-up and
compilation: wall-clock, or with --clock cpu
the process's user + system CPU time (steadier when other work shares the
machine)."""
import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# More fuel than any run uses: the fuel configurations pay the accounting, never trap.
BOTTOMLESS_FUEL = str(10**18)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUESTS = os.path.join(ROOT, 'parallel', 'guests')

# name: (args, quick args)
PRK = {
    'nstream': (['20', '4000000'], ['5', '400000']),
    'transpose': (['10', '2048'], ['4', '512']),
    'stencil': (['10', '2000'], ['4', '500']),
    'dgemm': (['5', '500'], ['2', '200']),
    'sparse': (['10', '10'], ['4', '8']),
    'reduce': (['10', '2000000', '8'], ['4', '200000', '8']),
    'p2p': (['10', '3000'], ['4', '1000']),
}
PROGRAMS = {
    'crc32': (['100'], ['10']),
    'sort': (['10'], ['2']),
    'vm': (['20000000'], ['2000000']),
    'coremark': (['12000'], ['700']),
    'gemm': (['1500'], ['550']),
    'mm2': (['1200'], ['420']),
    'lu': (['1700'], ['680']),
    'floyd_warshall': (['1350'], ['480']),
    'nussinov': (['1700'], ['680']),
    'jacobi2d': (['1000', '800'], ['500', '200']),
    'seidel2d': (['1000', '100'], ['500', '25']),
    'heat3d': (['120', '200'], ['64', '110']),
}


def sources(name):
    if name in PROGRAMS:
        return [os.path.join(ROOT, 'bench', 'programs', name + '.c')], []
    d = os.path.join(GUESTS, name)
    kernels = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith('_kernel.c'))
    flags = ['-std=c11', '-D_POSIX_C_SOURCE=200809L', '-I' + os.path.join(ROOT, 'bench', 'native'),
             '-I' + os.path.join(ROOT, 'parallel', 'include'), '-I' + os.path.join(GUESTS, 'common'), '-I' + d]
    # -U__wasm__: the kernels as plain C functions, not wasi-parallel kernels.
    return [os.path.join(ROOT, 'bench', 'native', name + '.c')] + kernels, flags + ['-U__wasm__']


def build(name, out):
    srcs, flags = sources(name)
    native = os.path.join(out, name + '.native')
    wasm = os.path.join(out, name + '.wasm')
    subprocess.run(['clang-14', '-O2'] + flags + srcs + ['-o', native, '-lm'], check=True)
    subprocess.run(['clang-14', '--target=wasm32-wasi', '-O2'] + flags + srcs + ['-o', wasm, '-lm'], check=True)
    # The same guest with clang's auto-vectoriser targeting Wasm SIMD (the
    # jit-simd configuration runs it).
    subprocess.run(['clang-14', '--target=wasm32-wasi', '-O2', '-msimd128'] + flags + srcs +
                   ['-o', simd_wasm(wasm), '-lm'], check=True)
    return native, wasm


def simd_wasm(wasm):
    return wasm[:-len('.wasm')] + '.simd.wasm'


def timed(cmd, repeat, clock):
    """Best of `repeat` runs: wall-clock seconds, or (clock == 'cpu') the
    process's user + system CPU time, which other load on the machine
    disturbs much less."""
    best = None
    for _ in range(repeat):
        with tempfile.TemporaryFile('w+') as out, tempfile.TemporaryFile('w+') as err:
            t0 = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=out, stderr=err)
            _, status, ru = os.wait4(p.pid, 0)
            dt = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            text = out.read()
            if p.returncode != 0:
                return None, text + err.read()
        if clock == 'cpu':
            dt = ru.ru_utime + ru.ru_stime
        best = dt if best is None else min(best, dt)
    return best, text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--wpvm', required=True)
    ap.add_argument('--node', default=shutil.which('node'))
    ap.add_argument('--quick', action='store_true', help='small problem sizes')
    ap.add_argument('--repeat', type=int, default=1)
    ap.add_argument('--only', default='')
    ap.add_argument('--json', help='also write the times and ratios to this file')
    ap.add_argument('--skip', default='', help='configurations to skip, e.g. interp')
    ap.add_argument('--clock', choices=['wall', 'cpu'], default='wall',
                    help='wall-clock time, or user + system CPU time of the process (steadier on a loaded machine)')
    o = ap.parse_args()
    names = list(PRK) + list(PROGRAMS)
    if o.only:
        names = [n for n in names if n in o.only.split(',')]
    node_js = os.path.join(ROOT, 'bench', 'node_wasi.mjs')
    configs = [
        ('native', lambda nat, w, a: [nat] + a),
        ('jit', lambda nat, w, a: [o.wpvm, 'run', '--tier', 'jit', w] + a),
        ('interp', lambda nat, w, a: [o.wpvm, 'run', '--tier', 'interp', w] + a),
        # Built with -msimd128: should be no slower than the plain build.
        ('jit-simd', lambda nat, w, a: [o.wpvm, 'run', '--tier', 'jit', simd_wasm(w)] + a),
        # Fuel and epoch checks on, never running out: what bounding a guest costs.
        ('jit-fuel', lambda nat, w, a: [o.wpvm, 'run', '--tier', 'jit', '--fuel', BOTTOMLESS_FUEL, w] + a),
        ('interp-fuel', lambda nat, w, a: [o.wpvm, 'run', '--tier', 'interp', '--fuel', BOTTOMLESS_FUEL, w] + a),
        ('jit-epoch', lambda nat, w, a: [o.wpvm, 'run', '--tier', 'jit', '--timeout', '1h', w] + a),
    ]
    if o.node:
        # --single-threaded: node 20 crashes at exit (SIGSEGV, after the
        # program's output) for some of these modules when V8 compiles on
        # background threads; wpvm compiles on the calling thread too.
        node = [o.node, '--single-threaded']
        configs += [
            ('v8-liftoff', lambda nat, w, a: node + ['--liftoff', '--no-wasm-tier-up', node_js, w] + a),
            ('v8-turbofan', lambda nat, w, a: node + ['--no-liftoff', node_js, w] + a),
        ]
    configs = [c for c in configs if c[0] not in o.skip.split(',')]
    width = max([10] + [len(n) for n in names])  # of the program column
    out = tempfile.mkdtemp(prefix='wpvm-bench-')
    table = {}
    wasm_of = {}
    for n in names:
        args = (PRK.get(n) or PROGRAMS.get(n))[1 if o.quick else 0]
        native, wasm = build(n, out)
        wasm_of[n] = wasm
        row = {}
        for cname, cmd in configs:
            t, text = timed(cmd(native, wasm, args), o.repeat, o.clock)
            if t is None:
                print(f'{n} {cname}: FAILED\n{text}', file=sys.stderr)
            row[cname] = t
        table[n] = row
        print(f'{n:{width}}' + ''.join(f' {c}={row[c]:.3f}s' if row[c] else f' {c}=FAIL' for c, _ in configs), file=sys.stderr)

    names_c = [c for c, _ in configs]
    print('\nseconds (ratio to native)')
    print(f'{"program":{width}}' + ''.join(f'{c:>20}' for c in names_c))
    logs = {c: [] for c in names_c}
    for n in names:
        row = table[n]
        cells = []
        for c in names_c:
            if row.get(c) and row.get('native'):
                r = row[c] / row['native']
                logs[c].append(math.log(r))
                cells.append(f'{row[c]:9.3f} ({r:6.2f}x)')
            else:
                cells.append(f'{"FAIL":>20}')
        print(f'{n:{width}}' + ''.join(f'{x:>20}' for x in cells))
    geo = {c: math.exp(sum(v) / len(v)) if v else float('nan') for c, v in logs.items()}
    print(f'{"geomean":{width}}' + ''.join(f'{geo[c]:19.2f}x' for c in names_c))
    if 'jit' in geo and 'interp' in geo:
        print(f'\nJIT speed-up over the interpreter (geomean): {geo["interp"] / geo["jit"]:.2f}x (target >= 8x)')
    if 'jit' in geo and 'v8-liftoff' in geo:
        both = [n for n in names if table[n].get('jit') and table[n].get('v8-liftoff')]
        if both:
            g = math.exp(sum(math.log(table[n]['jit'] / table[n]['v8-liftoff']) for n in both) / len(both))
            print(f'JIT / V8 Liftoff time (geomean over the {len(both)} programs both ran): {g:.2f} (target < 1)')
    print(f'JIT / native time (geomean): {geo.get("jit", float("nan")):.2f} (target <= 2.0)')
    both = [n for n in names if table[n].get('jit-simd') and table[n].get('jit')]
    if both:
        per = {n: table[n]['jit-simd'] / table[n]['jit'] for n in both}
        g = math.exp(sum(math.log(r) for r in per.values()) / len(per))
        print(f'JIT, built with -msimd128 / without (geomean): {g:.3f}, worst {max(per.values()):.3f} '
              f'({max(per, key=per.get)}) (target <= 1)')
    overheads = {}
    for on, off, what in [('jit-fuel', 'jit', 'fuel, JIT'), ('interp-fuel', 'interp', 'fuel, interpreter'),
                          ('jit-epoch', 'jit', 'epoch checks, JIT')]:
        both = [n for n in names if table[n].get(on) and table[n].get(off)]
        if both:
            per = {n: table[n][on] / table[n][off] for n in both}
            g = math.exp(sum(math.log(r) for r in per.values()) / len(per))
            overheads[on] = {'geomean': g, 'per_program': per}
            print(f'{what}: time on / off {g:.3f} (geomean), worst {max(per.values()):.3f} '
                  f'({max(per, key=per.get)}) (target <= 1.15)')

    largest = max(wasm_of.values(), key=os.path.getsize)
    env = dict(os.environ, WPVM_JIT_STATS='1')
    n = os.path.basename(largest)[:-5]
    args = (PRK.get(n) or PROGRAMS.get(n))[1]
    stats = []  # best of at least 3 runs, like the times
    for _ in range(max(3, o.repeat)):
        r = subprocess.run([o.wpvm, 'run', '--tier', 'jit', largest] + args, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        stats += [l for l in r.stderr.splitlines() if l.startswith('jit:')]
    # The line gives MB/s by the wall clock, then by the thread's CPU time.
    which = 1 if o.clock == 'cpu' else 0
    speed = lambda l: float((re.findall(r'\(([0-9.]+) MB/s\)', l) + ['0', '0'])[which])
    best = max(stats, key=speed) if stats else 'n/a'
    print(f'\ncompile speed on the largest module ({os.path.basename(largest)}, best of {max(3, o.repeat)}): {best}')
    if o.json:
        with open(o.json, 'w') as f:
            json.dump({'clock': o.clock, 'repeat': o.repeat, 'quick': o.quick, 'seconds': table,
                       'geomean_ratio_to_native': geo, 'overheads': overheads, 'compile_stats': best}, f, indent=1)
    shutil.rmtree(out, ignore_errors=True)


if __name__ == '__main__':
    main()
