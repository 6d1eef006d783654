#!/usr/bin/env bash
# Benchmarks tally against ccusage 20.0.24 on one generated corpus, in the same run, for
# issue 5's three cases, and checks tally's totals against the generator's manifest.
#
#   bench/compare.sh                      # the real run: 1 GiB corpus, 5 runs per case
#   bench/compare.sh --mb 50 --runs 3     # a quick end-to-end check
#
# Cases (each tool runs --runs times plus one unmeasured warm-up, on the same corpus state):
#   cold         tally with an empty ledger (TALLY_DATA_DIR wiped before every run)
#   warm         tally with an up-to-date ledger: nothing new to read
#   incremental  before every run, new turns are appended to --append-percent of the files
# ccusage keeps no cache, so every ccusage run reads everything; it is measured in each case
# anyway so that each ratio compares runs made on the same corpus state.
#
# Wall time comes from the shell clock around each run (ms), peak RSS from /usr/bin/time -f
# '%M'. The page cache is warm for both tools (the warm-up run sees to that). Both tools run
# with a clean environment: HOME=<corpus>, TZ=UTC, no CLAUDE_CONFIG_DIR/CODEX_HOME/XDG_*.
# See docs/PERFORMANCE.md for what the numbers mean and the latest results.

set -euo pipefail

readonly CCUSAGE_VERSION=20.0.24
readonly MAX_RUNS=50

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mb=1024
runs=5
seed=1
unpriced_share=0
append_percent=1
build_dir=$repo/build-release
corpus=
keep=0
cases=cold,warm,incremental
cache_dir=${TALLY_BENCH_CACHE:-$repo/bench/.cache}
results_dir=

usage() {
  cat <<EOF
usage: bench/compare.sh [options]
  --mb N               corpus size in MiB (default $mb)
  --runs R             measured runs per tool and case, after one warm-up (default $runs)
  --seed S             corpus seed (default $seed)
  --unpriced-share F   share (0..1) of Claude sessions on a model no price list knows, priced
                       from the logs' reported cost (default $unpriced_share)
  --append-percent P   files appended to before each incremental run (default $append_percent)
  --cases LIST         comma list of cold,warm,incremental (default all)
  --build-dir DIR      tally build directory (default build-release; configured as Release
                       with -DTALLY_BUILD_BENCH=ON if it does not exist)
  --corpus DIR         where to write the corpus (default: a fresh directory under \$TMPDIR)
  --keep               keep the corpus and ledger afterwards (default: delete them)
  --results DIR        where to store raw measurements (default bench/.cache/results/<stamp>)
Environment: TALLY_BENCH_CACHE overrides bench/.cache (ccusage install, results).
EOF
}

die() {
  echo "compare.sh: $*" >&2
  exit 2
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

while (($#)); do
  case $1 in
    --mb) mb=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --unpriced-share) unpriced_share=${2:?}; shift 2 ;;
    --append-percent) append_percent=${2:?}; shift 2 ;;
    --cases) cases=${2:?}; shift 2 ;;
    --build-dir) build_dir=${2:?}; shift 2 ;;
    --corpus) corpus=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    --results) results_dir=${2:?}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
if ! is_uint "$mb" || ((mb == 0)); then
  die "--mb must be a positive integer"
fi
if ! is_uint "$runs" || ((runs == 0 || runs > MAX_RUNS)); then
  die "--runs must be 1..$MAX_RUNS"
fi
is_uint "$seed" || die "--seed must be an integer"
[[ $unpriced_share =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] || die "--unpriced-share must be between 0 and 1"
[[ $append_percent =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--append-percent must be a number"
for c in ${cases//,/ }; do
  [[ $c == cold || $c == warm || $c == incremental ]] || die "unknown case '$c'"
done
[[ $build_dir == /* ]] || build_dir=$repo/$build_dir

# ---- prerequisites ------------------------------------------------------------------------
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"; }
need cmake "install cmake (Debian: apt-get install cmake)"
need python3 "install python3"
need npm "install Node.js and npm (Debian: apt-get install npm)"
if [[ ! -x /usr/bin/time ]]; then
  echo "compare.sh: /usr/bin/time missing; installing the Debian package 'time'" >&2
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo apt-get install -y -qq time >/dev/null
  fi
  [[ -x /usr/bin/time ]] || die "/usr/bin/time is needed (apt-get install time)"
fi

# ---- build tally and the generator (Release) ------------------------------------------------
if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  echo "== configuring $build_dir (Release, TALLY_BUILD_BENCH=ON)"
  generator=()
  command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
  cmake -S "$repo" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DTALLY_BUILD_BENCH=ON >/dev/null
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
bench_on=$(sed -n 's/^TALLY_BUILD_BENCH:BOOL=//p' "$build_dir/CMakeCache.txt")
[[ $bench_on == ON ]] || die "$build_dir was configured without -DTALLY_BUILD_BENCH=ON"
[[ $build_type == Release ]] || echo "compare.sh: warning: $build_dir is a $build_type build" >&2
echo "== building tally and tally_corpus_gen in $build_dir"
cmake --build "$build_dir" --target tally tally_corpus_gen -j "$(nproc)" >/dev/null
tally=$build_dir/tally
gen=$build_dir/tally_corpus_gen

# ---- ccusage, pinned, in a private npm prefix -----------------------------------------------
cc_prefix=$cache_dir/ccusage-$CCUSAGE_VERSION
cc_native=$cc_prefix/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage
cc_launcher=$cc_prefix/node_modules/.bin/ccusage
if [[ ! -x $cc_native && ! -x $cc_launcher ]]; then
  echo "== installing ccusage@$CCUSAGE_VERSION into $cc_prefix"
  mkdir -p "$cc_prefix"
  npm install --prefix "$cc_prefix" --no-audit --no-fund --loglevel=error \
    "ccusage@$CCUSAGE_VERSION" >/dev/null
fi
# The package is a Node launcher around a native binary; timing the binary itself keeps
# Node's start-up out of ccusage's numbers.
if [[ -x $cc_native ]]; then
  ccusage=$cc_native
else
  ccusage=$cc_launcher
  echo "compare.sh: warning: no native ccusage binary for this platform; timing the launcher" >&2
fi
cc_version=$("$ccusage" --version 2>/dev/null | tr -d '\r' | awk '{print $NF}')
[[ $cc_version == "$CCUSAGE_VERSION" ]] || die "expected ccusage $CCUSAGE_VERSION, got '$cc_version'"

# ---- corpus ------------------------------------------------------------------------------
created_corpus=0
if [[ -n $corpus && ! -f $corpus/.corpus/state.tsv ]] &&
  [[ -e $corpus/.claude || -e $corpus/.codex || -e $corpus/.gemini ]]; then
  die "$corpus holds agent logs that tally_corpus_gen did not write; pick another --corpus"
fi
if [[ -z $corpus ]]; then
  corpus=$(mktemp -d "${TMPDIR:-/tmp}/tally-bench-${mb}mb.XXXXXX")
  created_corpus=1
fi
ledger=$(mktemp -d "${TMPDIR:-/tmp}/tally-bench-ledger.XXXXXX")
stamp=$(date -u +%Y%m%d-%H%M%S)
results_dir=${results_dir:-$cache_dir/results/$stamp-${mb}mb}
mkdir -p "$results_dir"
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if ((keep == 0)); then
    rm -rf "$ledger"
    ((created_corpus == 0)) || rm -rf "$corpus"
  fi
}
trap cleanup EXIT

echo "== generating a ${mb} MiB corpus in $corpus (seed $seed, unpriced share $unpriced_share)"
gen_start=$(date +%s%N)
"$gen" --out "$corpus" --mb "$mb" --seed "$seed" --unpriced-share "$unpriced_share" --force >"$results_dir/manifest-initial.json"
gen_ms=$((($(date +%s%N) - gen_start) / 1000000))
python3 - "$results_dir/manifest-initial.json" "$gen_ms" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
f, b, s = m["files"], m["bytes"], m["jsonl_sizes"]
print(f"   {f['total']} files, {b['total'] / 1e6:.1f} MB in {int(sys.argv[2]) / 1000:.2f} s; "
      f"Claude/Codex/Gemini bytes {m['byte_share']['claude']:.0%}/{m['byte_share']['codex']:.0%}/"
      f"{m['byte_share']['gemini']:.0%}; median file {s['median'] / 1e3:.0f} kB, "
      f"p99 {s['p99'] / 1e6:.1f} MB, max {s['max'] / 1e6:.1f} MB, {s['over_50MiB']} over 50 MiB")
EOF

# ---- measurement ---------------------------------------------------------------------------
runs_tsv=$results_dir/runs.tsv
printf 'case\ttool\trun\twall_ms\tpeak_rss_kb\texit\n' >"$runs_tsv"
clean_env=(env -i "PATH=/usr/bin:/bin" "HOME=$corpus" "TZ=UTC" "LANG=C.UTF-8")

# run_tool CASE TOOL RUN: runs one tool once, appends a row to runs.tsv. RUN 0 is the warm-up.
run_tool() {
  local case=$1 tool=$2 run=$3 out=$results_dir/last-$2.json err=$results_dir/last-$2.err
  local timef=$results_dir/time.txt t0 t1 rc=0
  local cmd
  if [[ $tool == tally ]]; then
    cmd=("${clean_env[@]}" "TALLY_DATA_DIR=$ledger" "$tally" daily --json)
  else
    cmd=("${clean_env[@]}" "$ccusage" daily --json --offline)
  fi
  t0=$(date +%s%N)
  /usr/bin/time -f '%e %M' -o "$timef" "${cmd[@]}" >"$out" 2>"$err" || rc=$?
  t1=$(date +%s%N)
  if ((rc != 0)); then
    echo "compare.sh: $tool failed in case $case (exit $rc); stderr:" >&2
    tail -n 20 "$err" >&2
    exit 1
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$tool" "$run" $(((t1 - t0) / 1000000)) \
    "$(tail -n 1 "$timef" | awk '{print $2}')" "$rc" >>"$runs_tsv"
}

# snapshot NAME: both tools' totals on the current corpus state, and tally's per-model rows
# for the exactness check against the manifest.
snapshot() {
  local name=$1
  "${clean_env[@]}" "TALLY_DATA_DIR=$ledger" "$tally" daily --json >"$results_dir/tally-daily-$name.json"
  "${clean_env[@]}" "TALLY_DATA_DIR=$ledger" "$tally" models --json >"$results_dir/tally-models-$name.json"
  "${clean_env[@]}" "$ccusage" daily --json --offline --by-agent >"$results_dir/ccusage-daily-$name.json"
  "${clean_env[@]}" "$ccusage" codex daily --json --offline >"$results_dir/ccusage-codex-$name.json"
  cp "$corpus/.corpus/manifest.json" "$results_dir/manifest-$name.json"
}

has_case() { [[ ,$cases, == *,$1,* ]]; }

# A cold run leaves an up-to-date ledger; the later cases need one.
prime_ledger() {
  rm -rf "$ledger" && mkdir -p "$ledger"
  "${clean_env[@]}" "TALLY_DATA_DIR=$ledger" "$tally" daily --json >/dev/null 2>&1
}

if has_case cold; then
  echo "== cold: empty ledger before every tally run ($runs runs + 1 warm-up per tool)"
  for ((r = 0; r <= runs; r++)); do
    rm -rf "$ledger" && mkdir -p "$ledger"
    run_tool cold tally "$r"
    run_tool cold ccusage "$r"
  done
else
  prime_ledger
fi
snapshot initial

if has_case warm; then
  echo "== warm: nothing new since the last run"
  for ((r = 0; r <= runs; r++)); do
    run_tool warm tally "$r"
    run_tool warm ccusage "$r"
  done
fi

if has_case incremental; then
  echo "== incremental: ${append_percent}% of the files get new turns before every run"
  for ((r = 0; r <= runs; r++)); do
    "$gen" --out "$corpus" --append-percent "$append_percent" >"$results_dir/append-$r.json"
    run_tool incremental tally "$r"
    run_tool incremental ccusage "$r"
  done
  snapshot final
fi

# ---- report --------------------------------------------------------------------------------
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "tally: $("$tally" --version 2>/dev/null | head -n 1) ($build_type, source $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?'))"
  echo "ccusage: $cc_version ($ccusage)"
  echo "corpus: --mb $mb --seed $seed --unpriced-share $unpriced_share; runs $runs (+1 warm-up); append $append_percent%"
} >"$results_dir/env.txt"
python3 "$repo/bench/compare_report.py" "$results_dir" | tee "$results_dir/report.txt"
status=${PIPESTATUS[0]}
echo "raw data: $results_dir"
((keep == 0)) || echo "kept corpus $corpus and ledger $ledger"
exit "$status"
