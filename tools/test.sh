#!/usr/bin/env bash
# Set up, build, and run every test suite (the fuzz suite includes a short
# fixed-seed pass of every harness: fuzz/README.md). Ends with "N passed,
# N failed".
#
#   tools/test.sh [MESON TEST ARGS...]
#   tools/test.sh --sanitize [MESON TEST ARGS...]
#
# --sanitize: every suite under ASan+UBSan (build-asan), then the threads,
# wasi-threads and parallel suites under TSan (build-tsan); the fuzz suite
# (its fixed-seed pass included) then runs under ASan+UBSan too.
# SANITIZERS="asan" or "tsan" runs only one of the two.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = "--sanitize" ]; then
  shift
  asan=${ASAN_BUILD_DIR:-$root/build-asan}
  tsan=${TSAN_BUILD_DIR:-$root/build-tsan}
  bash "$root/tools/deps.sh" || { echo "0 passed, 1 failed"; exit 1; }
  status=0
  logs=()
  # debugoptimized: -O2 with the sanitizers keeps the suites' run time
  # within their timeouts (times the multiplier) on a 2-core machine.
  for kind in ${SANITIZERS:-asan tsan}; do
    if [ $kind = asan ]; then
      dir=$asan
      opts=(-Db_sanitize=address,undefined -Db_lundef=false)
      suites=()
    else
      dir=$tsan
      opts=(-Db_sanitize=thread)
      suites=(--suite threads --suite wasi-threads --suite parallel)
    fi
    if [ ! -f "$dir/build.ninja" ]; then
      meson setup "$dir" "$root" --buildtype=debugoptimized -Db_ndebug=false "${opts[@]}" ||
        { echo "0 passed, 1 failed"; exit 1; }
    fi
    # meson test builds what the selected tests need (for TSan, not the
    # whole project).
    echo "== $kind: meson test ${suites[*]} $*"
    rm -f "$dir/meson-logs/testlog.json"
    meson test -C "$dir" --print-errorlogs --num-processes "$(nproc)" --timeout-multiplier 10 \
      "${suites[@]}" "$@" || status=1
    if [ ! -f "$dir/meson-logs/testlog.json" ]; then
      mkdir -p "$dir/meson-logs"
      echo "$kind build: FAILED" > "$dir/meson-logs/build-failed.txt"
      logs+=(--results "$dir/meson-logs/build-failed.txt")
      continue
    fi
    cp "$dir/meson-logs/testlog.json" "$dir/meson-logs/testlog-$kind.json"
    python3 "$root/tools/test_summary.py" "$dir/meson-logs/testlog-$kind.json" | sed "s/^/$kind: /"
    logs+=("$dir/meson-logs/testlog-$kind.json")
  done
  python3 "$root/tools/test_summary.py" "${logs[@]}"
  exit $status
fi

build=${BUILD_DIR:-$root/build}
BUILD_DIR=$build bash "$root/tools/build.sh" || { echo "0 passed, 1 failed"; exit 1; }
meson test -C "$build" --print-errorlogs --num-processes "$(nproc)" "$@"
status=$?
python3 "$root/tools/test_summary.py" "$build/meson-logs/testlog.json"
exit $status
