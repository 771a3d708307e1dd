#!/usr/bin/env bash
# Set up, build, and run every test suite. Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
BUILD_DIR=$build bash "$root/tools/build.sh" || { echo "0 passed, 1 failed"; exit 1; }
meson test -C "$build" --print-errorlogs --num-processes "$(nproc)" "$@"
status=$?
python3 "$root/tools/test_summary.py" "$build/meson-logs/testlog.json"
exit $status
