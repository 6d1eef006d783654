#!/usr/bin/env bash
# Quick start: install what is missing, build build/tally, and run it with your arguments.
#   ./scripts/run.sh            # the summary of your agents' spend
#   ./scripts/run.sh daily --since 2026-11-01
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTALLY_BUILD_TESTS=OFF >/dev/null
cmake --build build --target tally
exec ./build/tally "$@"
