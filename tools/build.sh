#!/usr/bin/env bash
# Installs dependencies, configures (once) and builds wpvm in BUILD_DIR (default: build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
bash "$root/tools/deps.sh"
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$root" --buildtype=release "$@"
elif [ $# -gt 0 ]; then
  meson configure "$build" "$@"
fi
ninja -C "$build"
