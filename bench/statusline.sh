#!/usr/bin/env bash
# Latency of `tally statusline` on a generated history: what Claude Code waits for on every
# status-bar refresh.
#
#   bench/statusline.sh                     # 1 GiB corpus, 50 runs per case
#   bench/statusline.sh --mb 200 --runs 30  # quicker
#
# A corpus from tally_corpus_gen is ingested once (the ledger is then up to date, as after
# any other tally command). The hook JSON points at the corpus's largest Claude transcript.
# Cases, each --runs invocations after one unmeasured warm-up:
#   idle     nothing new: the statusline finds its session's files unchanged
#   append   before every run, one new assistant response is appended to the transcript
#            (a refresh right after the model answered; the statusline reads just that)
#   other    before every run, one new response in another session's transcript, which
#            the statusline reads too (it looks at every log written in the last hours)
#   report   for comparison: `tally daily` on the same ledger (a full, stat-only discovery
#            of every log file, then a report)
# Per case the script prints the median and 90th percentile of wall time and the median CPU
# time (user + system), in milliseconds, from bash's `time` keyword around each run.

set -euo pipefail
TIMEFORMAT='%3R %3U %3S'

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mb=1024
runs=50
seed=1
build_dir=$repo/build-release
corpus=
ledger=
keep=0

usage() {
  cat <<EOF
usage: bench/statusline.sh [options]
  --mb N            corpus size in MiB (default $mb)
  --runs R          measured runs per case, after one warm-up (default $runs)
  --seed S          corpus seed (default $seed)
  --build-dir DIR   build directory with tally and tally_corpus_gen (default build-release;
                    configured as Release with -DTALLY_BUILD_BENCH=ON if it does not exist)
  --corpus DIR      where to write the corpus (default: a fresh directory under \$TMPDIR);
                    a corpus already there (from --keep) is reused as it is
  --ledger DIR      the ledger directory (default: a fresh one; reused when given)
  --keep            keep the corpus and ledger afterwards
EOF
}

die() {
  echo "statusline.sh: $*" >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --mb) mb=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --build-dir) build_dir=${2:?}; shift 2 ;;
    --corpus) corpus=${2:?}; shift 2 ;;
    --ledger) ledger=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ $mb =~ ^[0-9]+$ && $runs =~ ^[0-9]+$ && $runs -ge 1 ]] || die "--mb and --runs take numbers"

if [[ ! -f $build_dir/build.ninja && ! -f $build_dir/Makefile ]]; then
  cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DTALLY_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build_dir" --target tally tally_corpus_gen >/dev/null
tally=$build_dir/tally
gen=$build_dir/tally_corpus_gen
[[ -x $gen ]] || die "$gen missing: configure $build_dir with -DTALLY_BUILD_BENCH=ON"

work=$(mktemp -d "${TMPDIR:-/tmp}/tally-statusline-XXXXXX")
[[ -n $corpus ]] || corpus=$work/corpus
[[ -n $ledger ]] || ledger=$work/ledger
cleanup() {
  if [[ $keep -eq 0 ]]; then
    rm -rf "$work"
  else
    echo "kept: corpus $corpus, ledger $ledger" >&2
  fi
}
trap cleanup EXIT

if [[ -f $corpus/.corpus/manifest.json ]]; then
  echo "corpus: reusing $corpus" >&2
else
  echo "corpus: ${mb} MiB, seed $seed -> $corpus" >&2
  "$gen" --out "$corpus" --mb "$mb" --seed "$seed" >/dev/null
fi
run_tally() { env -i HOME="$corpus" TALLY_DATA_DIR="$ledger" TZ=UTC PATH=/usr/bin:/bin "$tally" "$@"; }
# The generator writes every log now; agents leave each at the time of its last line. A
# refresh looks at the logs written in the last hours, so the mtimes must be real ones.
python3 - "$corpus" <<'PY'
import os, re, sys
stamp = re.compile(rb'"timestamp":\s*"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)')
import calendar
for top in ('.claude', '.codex', '.gemini'):
    for d, _, names in os.walk(os.path.join(sys.argv[1], top)):
        for n in names:
            if not (n.endswith('.jsonl') or n.endswith('.json')):
                continue
            p = os.path.join(d, n)
            with open(p, 'rb') as f:
                f.seek(max(0, os.path.getsize(p) - (1 << 16)))
                found = stamp.findall(f.read())
            if found:
                t = calendar.timegm(tuple(int(x) for x in found[-1]))
                os.utime(p, (t, t))
PY
run_tally daily -q >/dev/null

# The largest main transcript (not a sub-agent's): the heaviest session to look up.
transcript=$(find "$corpus/.claude/projects" -mindepth 2 -maxdepth 2 -name '*.jsonl' -printf '%s %p\n' |
  sort -n | tail -1 | cut -d' ' -f2-)
[[ -n $transcript ]] || die "no Claude transcript in the corpus"
session=$(basename "$transcript" .jsonl)
hook=$work/hook.json
printf '{"hook_event_name":"Status","session_id":"%s","transcript_path":"%s","cwd":"/home/dev/src/x","model":{"id":"claude-opus-4-8","display_name":"Opus"},"workspace":{"current_dir":"/home/dev/src/x","project_dir":"/home/dev/src/x"},"version":"2.1.330","cost":{"total_cost_usd":1.0},"exceeds_200k_tokens":false}\n' \
  "$session" "$transcript" >"$hook"
template=$(grep '"type":"assistant"' "$transcript" | grep '"usage"' | tail -1)
[[ -n $template ]] || die "no assistant line in $transcript"
# Another session's transcript, the most recently written: the "other" case grows it.
other=$(find "$corpus/.claude/projects" -mindepth 2 -maxdepth 2 -name '*.jsonl' \
  ! -path "$transcript" -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
other_template=$(grep '"type":"assistant"' "$other" | grep '"usage"' | tail -1)
[[ -n $other_template ]] || die "no assistant line in $other"
echo "session: $session ($(du -h "$transcript" | cut -f1)), line: $(run_tally statusline --color never <"$hook")" >&2

# measure NAME PREP CMD...: runs CMD (after PREP) 1 + $runs times; prints the median and
# 90th percentile of wall time, and the median CPU time (user + system), in ms. Timing is
# bash's own `time` keyword. On a shared machine wall time includes waiting for a core;
# CPU time does not.
measure() {
  local name=$1 prep=$2
  shift 2
  local i samples=$work/samples-$name
  : >"$samples"
  for ((i = 0; i <= runs; i++)); do
    $prep "$i"
    if ((i == 0)); then
      "$@" >/dev/null
      continue
    fi
    { time "$@" >/dev/null; } 2>>"$samples"
  done
  local wall cpu
  wall=$(awk '{ printf "%.1f\n", $1 * 1000 }' "$samples" | sort -n | awk '
    { t[NR] = $1 }
    END { printf "median %6.1f ms  p90 %6.1f ms", (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2, t[int(0.9 * NR + 0.999999)] }')
  cpu=$(awk '{ printf "%.1f\n", ($2 + $3) * 1000 }' "$samples" | sort -n | awk '
    { t[NR] = $1 }
    END { printf "median %5.1f ms", (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }')
  printf '%-8s wall %s   cpu %s   (n=%d)\n' "$name" "$wall" "$cpu" "$runs"
}

nothing() { :; }
append_response() {
  # A new response: the last assistant line under fresh message and request ids.
  printf '%s\n' "$template" |
    sed -E "s/\"id\":\"msg_[A-Za-z0-9]+\"/\"id\":\"msg_bench$1x$RANDOM\"/; s/\"requestId\":\"req_[A-Za-z0-9]+\"/\"requestId\":\"req_bench$1x$RANDOM\"/" \
      >>"$transcript"
}
append_other() {
  printf '%s\n' "$other_template" |
    sed -E "s/\"id\":\"msg_[A-Za-z0-9]+\"/\"id\":\"msg_other$1x$RANDOM\"/; s/\"requestId\":\"req_[A-Za-z0-9]+\"/\"requestId\":\"req_other$1x$RANDOM\"/" \
      >>"$other"
}
statusline() { run_tally statusline --color never <"$hook"; }
report() { run_tally daily -q; }

echo "files: $(find "$corpus" -name '*.json*' | wc -l), runs per case: $runs" >&2
measure idle nothing statusline
measure append append_response statusline
# The other session is live, as the 10-15 in flight are: written a moment ago and read since.
# (Its file's mtime was set back to its last line's time above; a log idle for more than 6
# hours waits for the next full walk, at most 10 minutes: see ingest/refresh.h.)
append_other x
run_tally daily -q >/dev/null
before=$(run_tally daily --json --no-ingest | grep -o '"requests": *[0-9]*' | tail -1)
measure other append_other statusline
after=$(run_tally daily --json --no-ingest | grep -o '"requests": *[0-9]*' | tail -1)
echo "other: ledger $before -> $after after $((runs + 1)) responses in another session" >&2
[[ ${before//[^0-9]/} -lt ${after//[^0-9]/} ]] || die "the statusline did not read the other session's new responses"
measure report nothing report
