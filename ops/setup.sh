#!/usr/bin/env bash
# Installs what longforge needs on Debian 12 (ops/packages.txt), then builds it.
# Idempotent: packages already installed are not fetched again. The build is the one
# ops/test.sh uses (same directory, same flags, warnings as errors), so running the
# tests after set-up compiles nothing.
#   ops/setup.sh            install + build (build/longforge)
#   ops/setup.sh --no-build install only
# LONGFORGE_CMAKE_ARGS adds cmake arguments (e.g. -DCMAKE_BUILD_TYPE=Debug).
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
[ "${1:-}" = "--no-build" ] && build=0

# A package counts as present when dpkg has it installed, or when every program it is
# listed for is already there (e.g. node and npm from another apt source).
present() {
  local package=$1
  shift
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" && return 0
  [ "$#" -gt 0 ] || return 1
  local program
  for program in "$@"; do command -v "$program" >/dev/null 2>&1 || return 1; done
}

missing=()
while read -r package programs; do
  # shellcheck disable=SC2086 # the programs are words
  present "$package" $programs || missing+=("$package")
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' ops/packages.txt)

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's prometheus package starts a system service; tests run their own.
  if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
fi

if [ "$build" -eq 1 ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLONGFORGE_WERROR=ON \
    ${LONGFORGE_CMAKE_ARGS:-} >/dev/null
  started=$SECONDS
  cmake --build build -j"$(nproc)"
  echo "setup: build took $((SECONDS - started)) s"
fi
