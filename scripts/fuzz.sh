#!/usr/bin/env bash
# Fuzzes the scenario loader and the calibration-profile loader with
# libFuzzer (clang, AddressSanitizer, UndefinedBehaviorSanitizer) for a
# bounded time each, starting from the shipped files.
#
#   scripts/fuzz.sh [SECONDS=60]
#
# A finding stops that target and leaves its input in build-fuzz/findings/;
# the script then exits non-zero. Fix the bug and add the input to the
# regression tests (tests/hv/scenario_errors_test.cpp or a test of the
# calibration loader). Corpora grow in build-fuzz/corpus/ from run to run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
bash scripts/install-deps.sh
if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: needs clang++ (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
build=build-fuzz
test -f "$build/CMakeCache.txt" || CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVZLAB_FUZZ=ON -DVZLAB_BUILD_BENCH=OFF -DVZLAB_BUILD_TESTS=ON --log-level=WARNING
cmake --build "$build" -j "$(nproc)" --target scenario_fuzz calibration_fuzz
mkdir -p "$build/findings"
status=0
for target in scenario calibration; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  if [ "$target" = scenario ]; then cp scenarios/*.yaml "$corpus/"; else cp scenarios/profiles/*.yaml "$corpus/"; fi
  echo "fuzz: $target loader for $seconds s"
  # The scenario target also gets a dictionary of deep nesting, big numbers with units,
  # aliases and control characters (tests/fuzz/scenario.dict).
  dict=()
  if [ "$target" = scenario ]; then dict=(-dict=tests/fuzz/scenario.dict); fi
  if ! "$build/tests/${target}_fuzz" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
       -artifact_prefix="$build/findings/$target-" -print_final_stats=1 "$corpus" 2> "$build/findings/$target.log"; then
    echo "fuzz: $target: FINDING, see $build/findings/$target.log and the $target-* files" >&2
    status=1
  fi
  grep -E "^stat::number_of_executed_units|^#[0-9]+ *DONE" "$build/findings/$target.log" | tail -2 || true
done
exit $status
