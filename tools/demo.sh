#!/usr/bin/env bash
# The main job: set up, build, and run the PRK stencil as a wasi-parallel
# guest through `wpvm run` on every device (sequential, CPU, and the GPU hint,
# which the CPU device serves until a GPU device exists); per device it prints
# the PRK validation, the time and the rate. Extra arguments go to the guest
# (e.g. `20 2000`: iterations and grid size).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
BUILD_DIR=$build bash "$root/tools/build.sh"
exec "$build/tools/wpvm" run --parallel-verbose "$build/parallel/guests/stencil.wasm" --device all "$@"
