#!/usr/bin/env bash
# Groups crashers by where they crash: runs each input in DIR through HARNESS_BINARY (a
# fuzz_<h> or replay_<h>) and prints, per distinct first frame in tally's own sources
# (src/), with the frame that called it, how many inputs crash there and the smallest.
#
#   fuzz/triage.sh build-fuzz/fuzz/fuzz_codex build-fuzz/fuzz-artifacts/codex
set -uo pipefail
bin=$1
dir=$2
export UBSAN_OPTIONS=print_stacktrace=1 ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
declare -A count smallest size
for f in "$dir"/*; do
  [ -f "$f" ] || continue
  out=$("$bin" "$f" 2>&1)
  if [ $? -eq 0 ]; then
    key="(no longer crashes)"
  else
    what=$(grep -m1 -oE 'runtime error: .*|ERROR: AddressSanitizer: [a-z-]+|fuzz check failed: .*|ERROR: libFuzzer: [a-z-]+' <<<"$out")
    # The first two frames in src/: where it crashed and the call site.
    frame=$(grep -oE '^ +#[0-9]+ .* [^ ]*/src/[a-z_/]+\.(cc|h):[0-9]+' <<<"$out" |
      sed -E 's/.*\/(src\/[^ ]+)$/\1/' | uniq | head -n 2 | paste -sd '<' - | sed 's/</ <- /')
    key="${frame:-?} | ${what:-?}"
  fi
  count[$key]=$(( ${count[$key]:-0} + 1 ))
  n=$(wc -c <"$f")
  if [ -z "${size[$key]:-}" ] || [ "$n" -lt "${size[$key]}" ]; then
    size[$key]=$n
    smallest[$key]=$f
  fi
done
for key in "${!count[@]}"; do
  printf '%d\t%s\n' "${count[$key]}" "$key"
done | sort -rn | while IFS=$'\t' read -r n key; do
  printf '%5d  %s\n       smallest: %s (%s bytes)\n' "$n" "$key" "${smallest[$key]}" "${size[$key]}"
done
