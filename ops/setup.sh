#!/usr/bin/env bash
# Installs what longforge needs on Debian 12 (ops/packages.txt), then builds it.
# Idempotent: packages already installed are not fetched again.
#   ops/setup.sh            install + build (build/longforge)
#   ops/setup.sh --no-build install only
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
[ "${1:-}" = "--no-build" ] && build=0

mapfile -t packages < <(grep -vE '^\s*(#|$)' ops/packages.txt)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
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
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${LONGFORGE_CMAKE_ARGS:-} >/dev/null
  cmake --build build -j"$(nproc)"
fi
