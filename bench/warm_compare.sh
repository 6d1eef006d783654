#!/usr/bin/env bash
# Warm report latency of two tally binaries on the same logs, each on its own ledger:
# one cold load each, then every command 9 times, the two binaries alternating; prints the
# median wall-clock milliseconds. For "did this change slow a warm report down".
#
#   bench/warm_compare.sh OLD_TALLY NEW_TALLY LOGS_HOME [NOW]
#
# LOGS_HOME: a HOME with agent logs (bench/tally_corpus_gen writes one); NOW pins TALLY_NOW
# (default: the corpus generator's end, 2026-12-07T08:00:00Z). Ledgers go to a temp dir.
set -euo pipefail
old=${1:?old tally binary}; new=${2:?new tally binary}; home=${3:?logs HOME}
now=${4:-2026-12-07T08:00:00Z}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$home TZ=UTC TALLY_NOW=$now
run() { TALLY_DATA_DIR="$work/$1" "$2" "${@:3}" -q >/dev/null 2>&1; }
run old "$old"; run new "$new"  # cold loads
ms() { local s e; s=$(date +%s%N); run "$@"; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
for cmd in "" daily sessions windows; do
  : >"$work/t-old"; : >"$work/t-new"
  for _ in $(seq 1 9); do
    ms old "$old" $cmd >>"$work/t-old"
    ms new "$new" $cmd >>"$work/t-new"
  done
  printf 'tally %-9s old %5s ms   new %5s ms   (median of 9, alternating)\n' "$cmd" \
    "$(sort -n "$work/t-old" | sed -n 5p)" "$(sort -n "$work/t-new" | sed -n 5p)"
done
