#!/usr/bin/env bash
# The main job: set up, build, and run the PRK stencil as a wasi-parallel
# guest through `wpvm run` on every device (sequential, CPU, and the GPU hint,
# which runs on the Vulkan device named by WPVM_GPU, default Mesa's lavapipe
# "llvmpipe": `wpvm run` never picks a CPU implementation of Vulkan by itself);
# per device it prints the PRK validation, the time and the rate. Extra
# arguments go to the guest (e.g. `20 2000`: iterations and grid size).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
BUILD_DIR=$build bash "$root/tools/build.sh"
exec "$build/tools/wpvm" run --parallel-verbose --gpu "${WPVM_GPU:-llvmpipe}" "$build/parallel/guests/stencil.wasm" --device all "$@"
