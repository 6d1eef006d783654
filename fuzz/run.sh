#!/usr/bin/env bash
# Runs every libFuzzer harness of a -DTALLY_FUZZ=ON build for a bounded time, one after the
# other in a single process each (no -jobs/-fork: the machine and CI are two cores), and
# fails if any harness crashed. See docs/RELIABILITY.md.
#
#   fuzz/run.sh [BUILD_DIR [SECONDS [HARNESS...]]]
#
# BUILD_DIR: a build configured with -DTALLY_FUZZ=ON (default build-fuzz); SECONDS per
# harness (default 25); HARNESS: names from BUILD_DIR/fuzz/harnesses.txt (default all).
# Environment: TALLY_FUZZ_SEED=N passes -seed=N (reproducible runs); TALLY_FUZZ_ARGS adds
# libFuzzer flags; TALLY_FUZZ_STRICT=1 turns on the checks that wait on a fix
# (fuzz/fuzz_support.h).
#
# Per harness it writes, under BUILD_DIR:
#   fuzz-corpus/<h>/     the working corpus (the seeds stay read-only; kept between runs,
#                        so coverage accumulates on one machine)
#   fuzz-artifacts/<h>/  crashers, timeouts and OOMs (copy them to fuzz/regressions/<h>/)
#   fuzz-logs/<h>.log    libFuzzer's output
# and prints one line: CPU seconds, libFuzzer's final cov/ft, corpus size, executions.
set -uo pipefail
# UBSan reports abort (-fno-sanitize-recover); with a stack, like ASan's.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
cd "$(dirname "$0")/.."

build=${1:-build-fuzz}
seconds=${2:-25}
shift $(($# < 2 ? $# : 2))
list="$build/fuzz/harnesses.txt"
if [ ! -f "$list" ]; then
  echo "fuzz/run.sh: no $list: configure $build with -DTALLY_FUZZ=ON and build target fuzzers" >&2
  exit 2
fi

extra_seeds() {
  # LiteLLM's full price list is reference data that is never committed: when it is next to
  # the checkout, one seed per entry is made from it for the LiteLLM importer.
  local litellm=../shared/pricing/litellm_model_prices.json
  local out="$build/fuzz-extra-seeds/import_litellm"
  if [ "$1" = import_litellm ] && [ -f "$litellm" ] && command -v python3 >/dev/null; then
    [ -d "$out" ] || python3 fuzz/make_seeds.py --litellm "$litellm" --out "$out" >&2
    [ -d "$out" ] && echo "$out"
  fi
}

failed=()
printf '%-18s %8s %8s %8s %8s %12s\n' harness cpu_s cov ft corpus execs
while read -r name dict seeds; do
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then
    continue
  fi
  bin="$build/fuzz/fuzz_$name"
  if [ ! -x "$bin" ]; then
    echo "fuzz/run.sh: $bin is not built (cmake --build $build --target fuzzers)" >&2
    failed+=("$name")
    continue
  fi
  corpus="$build/fuzz-corpus/$name"
  artifacts="$build/fuzz-artifacts/$name"
  log="$build/fuzz-logs/$name.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  # shellcheck disable=SC2086  # seed directories are space-separated on purpose
  args=("$corpus" $seeds $(extra_seeds "$name")
        -dict="$dict" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
        -artifact_prefix="$artifacts/" -print_final_stats=1)
  [ -n "${TALLY_FUZZ_SEED:-}" ] && args+=(-seed="$TALLY_FUZZ_SEED")
  # shellcheck disable=SC2206
  [ -n "${TALLY_FUZZ_ARGS:-}" ] && args+=($TALLY_FUZZ_ARGS)

  TIMEFORMAT='%U %S'
  { time "$bin" "${args[@]}" >"$log" 2>&1; } 2>"$log.time"
  status=$?
  cpu=$(awk '{printf "%.0f", $1 + $2}' "$log.time")
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+\/[0-9]+[a-zA-Z]*).*/\1/p' <<<"$last")
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log")
  printf '%-18s %8s %8s %8s %8s %12s\n' "$name" "$cpu" "${cov:--}" "${ft:--}" "${corp:--}" \
    "${execs:--}"
  if [ "$status" -ne 0 ]; then
    failed+=("$name")
    echo "  CRASHED (exit $status); log: $log" >&2
    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz check failed|.*runtime error)' "$log" | head -n 5 >&2
    grep -E 'Test unit written to' "$log" | sed 's/^/  /' >&2
    grep -E '^ +#[0-9] ' "$log" | head -n 8 >&2
  fi
done <"$list"

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz/run.sh: failed: ${failed[*]} (reproduce: docs/RELIABILITY.md)" >&2
  exit 1
fi
