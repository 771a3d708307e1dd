#!/usr/bin/env bash
# Installs the Debian 12 packages wpvm needs to build and test (idempotent),
# and any named as arguments (tools/bench.sh: python3-matplotlib). Runs
# apt-get only when something is missing.
set -euo pipefail

packages=(
  meson ninja-build pkg-config g++ python3
  libasmjit-dev libtbb-dev
  libvulkan-dev glslang-dev glslang-tools spirv-cross libspirv-cross-c-shared-dev
  mesa-vulkan-drivers vulkan-tools vulkan-validationlayers spirv-tools
  doctest-dev nlohmann-json3-dev
  wabt clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "wpvm: installing missing Debian packages: ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q >&2
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
