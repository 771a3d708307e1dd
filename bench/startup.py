#!/usr/bin/env python3
"""Start-up benchmark: the wall time of `wpvm run empty.wasm` (an empty WASI
command) next to references measured in the same run: /bin/true, a C
hello-world built here with the system C compiler, and `wpvm --version`
(loading the program without running anything).

  bench/startup.py --wpvm BUILD/tools/wpvm [--runs N] [--json FILE]
                   [--cpu K] [--max-ms MS] [--baseline OTHER/wpvm]

Every process is started with posix_spawn and reaped with wait4 (no shell,
no Python subprocess machinery in the timed span); the commands take turns
run by run, so load that comes and goes touches them all alike. Prints the
median wall time (with the 10th and 90th percentiles), the median CPU time
(user + system) and minor page faults of each, and the ratios of
`wpvm run` to the references; --json writes the same figures. The empty
module is built from its text with wabt's wat2wasm, the C program with cc,
in a temporary directory. --cpu K pins the benchmark and its children to
CPU K (steadier on a shared machine: no waiting for another core). --max-ms
makes the exit status 1 when the median of `wpvm run` is above MS.
--baseline adds another wpvm build's two commands to the same runs (say, a
build of the commit before a change), and the ratio of the two `run`s."""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

EMPTY_WAT = '(module (func (export "_start")))\n'
HELLO_C = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n'


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def spawn_once(argv, devnull):
    """Wall ms, CPU ms and minor faults of one run; raises on failure."""
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1)]
    start = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    wall = (time.perf_counter_ns() - start) / 1e6
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f'{" ".join(argv)} exited with {os.waitstatus_to_exitcode(status)}')
    return wall, (usage.ru_utime + usage.ru_stime) * 1e3, usage.ru_minflt


def build_inputs(tmp, cc):
    wat2wasm = shutil.which('wat2wasm')
    if not wat2wasm:
        sys.exit('startup.py: wat2wasm (wabt) not found')
    wat = os.path.join(tmp, 'empty.wat')
    wasm = os.path.join(tmp, 'empty.wasm')
    with open(wat, 'w') as f:
        f.write(EMPTY_WAT)
    subprocess.run([wat2wasm, wat, '-o', wasm], check=True)
    hello = None
    if cc and shutil.which(cc):
        src = os.path.join(tmp, 'hello.c')
        hello = os.path.join(tmp, 'hello')
        with open(src, 'w') as f:
            f.write(HELLO_C)
        subprocess.run([cc, '-O2', src, '-o', hello], check=True)
    else:
        print(f'startup.py: no C compiler {cc!r}: the hello-world reference is left out', file=sys.stderr)
    return wasm, hello


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--wpvm', required=True, help='the wpvm executable')
    ap.add_argument('--runs', type=int, default=300, help='runs per command (at least 200 for the figure)')
    ap.add_argument('--json', help='also write the results to this file')
    ap.add_argument('--cc', default=os.environ.get('CC', 'cc'), help='C compiler for the hello-world reference')
    ap.add_argument('--cpu', type=int, help='pin to this CPU')
    ap.add_argument('--max-ms', type=float, help='exit 1 when the median of `wpvm run` is above this')
    ap.add_argument('--baseline', help='another wpvm executable measured in the same runs')
    args = ap.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    wpvm = os.path.abspath(args.wpvm)

    with tempfile.TemporaryDirectory(prefix='wpvm-startup-') as tmp:
        wasm, hello = build_inputs(tmp, args.cc)
        commands = [('true', ['/bin/true'])]
        if hello:
            commands.append(('hello (C)', [hello]))
        commands += [('wpvm --version', [wpvm, '--version']), ('wpvm run empty.wasm', [wpvm, 'run', wasm])]
        if args.baseline:
            baseline = os.path.abspath(args.baseline)
            commands += [('baseline --version', [baseline, '--version']),
                         ('baseline run empty.wasm', [baseline, 'run', wasm])]

        devnull = os.open(os.devnull, os.O_WRONLY)
        for _, argv in commands:  # warm the page cache; fail early
            spawn_once(argv, devnull)
        load_before = os.getloadavg()
        samples = {name: ([], [], []) for name, _ in commands}
        for _ in range(args.runs):
            for name, argv in commands:
                for into, value in zip(samples[name], spawn_once(argv, devnull)):
                    into.append(value)
        load_after = os.getloadavg()

    results = {}
    for name, argv in commands:
        wall, cpu, faults = samples[name]
        results[name] = {
            'wall_ms_median': statistics.median(wall),
            'wall_ms_p10': percentile(wall, 10),
            'wall_ms_p90': percentile(wall, 90),
            'cpu_ms_median': statistics.median(cpu),
            'minor_faults_median': statistics.median(faults),
        }
    run = results['wpvm run empty.wasm']['wall_ms_median']
    ratios = {f'wpvm run / {name}': run / r['wall_ms_median']
              for name, r in results.items() if not name.startswith(('wpvm', 'baseline --'))}

    print(f'{args.runs} runs each, interleaved; load average {load_before[0]:.2f} before, '
          f'{load_after[0]:.2f} after; {os.cpu_count()} CPUs' +
          (f', pinned to CPU {args.cpu}' if args.cpu is not None else ''))
    print(f'{"command":<24} {"wall median":>11} {"p10":>7} {"p90":>7} {"cpu":>7} {"faults":>6}')
    for name, r in results.items():
        print(f'{name:<24} {r["wall_ms_median"]:8.3f} ms {r["wall_ms_p10"]:7.3f} {r["wall_ms_p90"]:7.3f} '
              f'{r["cpu_ms_median"]:7.3f} {r["minor_faults_median"]:6.0f}')
    for name, value in ratios.items():
        print(f'{name}: {value:.2f}x')
    print(f'wpvm run empty.wasm: {run:.3f} ms (median wall time)')

    if args.json:
        with open(args.json, 'w') as f:
            json.dump({
                'wpvm': wpvm,
                'baseline': os.path.abspath(args.baseline) if args.baseline else None,
                'runs': args.runs,
                'pinned_cpu': args.cpu,
                'cpus': os.cpu_count(),
                'machine': platform.machine(),
                'load_average_before': load_before[0],
                'load_average_after': load_after[0],
                'commands': {name: {'argv': [os.path.basename(a) for a in argv], **results[name]}
                             for name, argv in commands},
                'ratios': ratios,
                'wpvm_run_ms': run,
            }, f, indent=2)
            f.write('\n')
    if args.max_ms is not None and run > args.max_ms:
        print(f'wpvm run empty.wasm: {run:.3f} ms is above {args.max_ms} ms', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
