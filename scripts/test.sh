#!/usr/bin/env bash
# Runs every test: installs what is missing, then builds and runs the suite twice, as CI does:
#   1. RelWithDebInfo with -Werror (build-test/)
#   2. Debug with AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)
# TALLY_TEST_FAST=1 skips the sanitizer pass.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --test

jobs=$(nproc 2>/dev/null || echo 2)

echo "== tests: RelWithDebInfo, -Werror"
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTALLY_WERROR=ON >/dev/null
cmake --build build-test -j "$jobs"
(cd build-test && ctest --output-on-failure -j "$jobs")

if [ "${TALLY_TEST_FAST:-0}" != "1" ]; then
  echo "== tests: Debug, address + undefined sanitizers"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTALLY_WERROR=ON \
    -DTALLY_SANITIZE=address,undefined >/dev/null
  cmake --build build-asan -j "$jobs"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --output-on-failure -j "$jobs")
fi
