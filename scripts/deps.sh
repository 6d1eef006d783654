#!/usr/bin/env bash
# Installs the Debian packages tally needs to build (and with --test, to test), if any are
# missing. Everything comes from Debian 12's own archive; nothing is downloaded at build time.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ccache
  libsimdjson-dev libsqlite3-dev libfmt-dev libcli11-dev libtomlplusplus-dev libgit2-dev
  libgtest-dev libgmock-dev
)
if [ "${1:-}" = "--test" ]; then
  # tests/render/html_browser_test loads the HTML report in headless Chromium.
  packages+=(chromium)
  # Worktree tests make real repositories and worktrees with git.
  packages+=(git)
  # The fuzz pass (fuzz/run.sh): clang with libFuzzer; llvm-symbolizer for readable stacks.
  packages+=(clang libclang-rt-14-dev llvm-14)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "tally: installing missing packages: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "tally: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
