#!/usr/bin/env bash
# Builds the fuzz harnesses (fuzz/) with clang-14, libFuzzer, ASan and UBSan
# in their own build folder and runs each for SECONDS (default 60).
#
#   tools/fuzz.sh [SECONDS] [HARNESS...]    (harnesses: decode cwasm differential parallel)
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_SEED (libFuzzer's
# -seed; default: a random one, printed), FUZZ_FRESH=1 (start from the seeds alone, forgetting what
# earlier runs found: what the CI pass does, for repeatable runs),
# FUZZ_SAMPLE=N (seed from every Nth module of the spec corpus only: a
# shorter start, what the CI pass does). Inputs that crash are saved as
# FUZZ_BUILD_DIR/fuzz/crashes/HARNESS/crash-* (also leak-*, timeout-*, oom-*);
# what the runs found new is kept in FUZZ_BUILD_DIR/fuzz/work/HARNESS and seeds
# the next run. Ends with one line per harness and exits 1 if any harness
# found something.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-60}
[ $# -gt 0 ] && shift
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(decode cwasm differential parallel)
seed=${FUZZ_SEED:-$RANDOM$RANDOM}

bash "$root/tools/deps.sh" || exit 1
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 meson setup "$build" "$root" --buildtype=release -Db_ndebug=false \
    -Db_sanitize=address,undefined -Db_lundef=false -Dfuzz=true -Dvulkan=disabled \
    > "$build.setup.log" 2>&1 || { cat "$build.setup.log"; exit 1; }
  rm -f "$build.setup.log"
fi
targets=(fuzz/corpus.stamp)
for h in "${harnesses[@]}"; do targets+=("fuzz/fuzz-$h"); done
ninja -C "$build" "${targets[@]}" || exit 1

out=$build/fuzz
rm -f "$out/summary.txt"
status=0
summary=()
echo "fuzz: ${seconds}s per harness, seed $seed"
for h in "${harnesses[@]}"; do
  work=$out/work/$h
  crashes=$out/crashes/$h
  [ "${FUZZ_FRESH:-0}" = 1 ] && rm -rf "$work"
  mkdir -p "$work" "$crashes"
  seeds=("$root/fuzz/regressions/$h")
  # The module harnesses start from the spec suite's modules.
  if [ "$h" != parallel ]; then
    if [ -n "${FUZZ_SAMPLE:-}" ]; then
      sample=$out/corpus-every-$FUZZ_SAMPLE
      if [ ! -d "$sample" ]; then
        mkdir -p "$sample"
        ls "$out/corpus" | sort | awk -v n="$FUZZ_SAMPLE" '(NR - 1) % n == 0' |
          while read -r f; do ln -s "../corpus/$f" "$sample/$f"; done
      fi
      seeds+=("$sample")
    else
      seeds+=("$out/corpus")
    fi
  fi
  # The parallel harness runs few inputs a second: libFuzzer's slow growth
  # of the input length would keep it to a handful of operations.
  extra=()
  [ "$h" = parallel ] && extra=(-len_control=0 -max_len=4096)
  log=$out/$h.log
  before=$(ls "$crashes" | wc -l)
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
    "$out/fuzz-$h" -seed="$seed" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
      -print_final_stats=1 "${extra[@]}" -artifact_prefix="$crashes/" "$work" "${seeds[@]}" > "$log" 2>&1
  rc=$?
  after=$(ls "$crashes" | wc -l)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rate=${rate:-?}
  if [ $rc -ne 0 ] || [ "$after" -ne "$before" ]; then
    status=1
    echo "---- fuzz-$h found something (exit $rc); the end of its log ($log):"
    grep -v '^#\|^INFO\|^replay' "$log" | tail -40
    summary+=("fuzz $h: FAILED, ${runs:-?} runs, $rate exec/s; inputs in $crashes")
  else
    summary+=("fuzz $h: ok, ${runs:-?} runs, $rate exec/s")
  fi
done
printf '%s\n' "${summary[@]}" | tee "$out/summary.txt"
exit $status
