#!/usr/bin/env bash
# The main job: set up, build, and run the bundled demo guest through `wpvm run`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
BUILD_DIR=$build bash "$root/tools/build.sh"
exec "$build/tools/wpvm" run "$build/tools/guests/demo.wasm" demo "$@"
