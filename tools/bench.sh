#!/usr/bin/env bash
# The benchmark report: installs what it needs (the build's packages and
# python3-matplotlib for the plots), builds wpvm in BUILD_DIR (default:
# build) and runs bench/report.py, which writes
# bench/results/<date>-<commit>.json, its PNG plots and a Markdown table.
# Arguments go to bench/report.py (--quick for a smoke run, --threads 1,2,
# --skip-prk, --skip-programs). node's V8 is measured when node is on the
# PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
BUILD_DIR=$build bash "$root/tools/build.sh"
bash "$root/tools/deps.sh" python3-matplotlib
# Debian's python3 (its matplotlib), whatever else is first on the PATH.
python=/usr/bin/python3
[ -x "$python" ] || python=python3
exec "$python" "$root/bench/report.py" --build "$build" "$@"
