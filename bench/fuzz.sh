#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (-DLONGFORGE_FUZZ=ON: libFuzzer +
# ASan + UBSan) in build-fuzz/ and runs each for SECONDS (default 60) from a copy of its
# seed corpus fuzz/corpus/<target>/, then prints executions, coverage and findings per
# target. Exit 1 when any target found something.
#   bench/fuzz.sh [SECONDS] [TARGET...]     e.g. bench/fuzz.sh 120 chunker tokenizer
# Needs clang (Debian package clang; not in ops/packages.txt, since the test suite does
# not fuzz: it replays the seed corpora through the same code in the normal build, ctest
# fuzz_replay_*). The tokenizer and chunker targets use the tokenizer named by
# LONGFORGE_FUZZ_TOKENIZER, by default ../shared/data/tokenizers/qwen3/tokenizer.json
# when present (the tokenizer target skips every input without one).
# Output: build-fuzz/runs/<time>/<target>/ holds the grown corpus, the log and any
# crash-*/leak-*/timeout-*/oom-* input; reproduce one with
#   build-fuzz/fuzz/<target>_fuzz <file>   and fix it with a test in tests/unit.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[ "$#" -gt 0 ] && shift
all=(envelope relevance_reply plan_reply ingest_line tokenizer chunker)
targets=("$@")
[ "${#targets[@]}" -eq 0 ] && targets=("${all[@]}")

for program in clang clang++; do
  if ! command -v "$program" >/dev/null 2>&1; then
    echo "fuzz: $program is not installed (apt-get install clang)" >&2
    exit 1
  fi
done

default_tokenizer="$PWD/../shared/data/tokenizers/qwen3/tokenizer.json"
if [ -z "${LONGFORGE_FUZZ_TOKENIZER:-}" ] && [ -f "$default_tokenizer" ]; then
  export LONGFORGE_FUZZ_TOKENIZER="$default_tokenizer"
fi

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLONGFORGE_FUZZ=ON -DLONGFORGE_BUILD_TESTS=OFF -DLONGFORGE_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]/%/_fuzz}"

export ASAN_OPTIONS="detect_leaks=1:print_stacktrace=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
runs="build-fuzz/runs/$(date -u +%Y%m%dT%H%M%SZ)"
summary=()
found=0
for target in "${targets[@]}"; do
  dir="$runs/$target"
  mkdir -p "$dir"
  cp -r "fuzz/corpus/$target" "$dir/corpus"
  echo "fuzz: $target for $seconds s (log: $dir/log)"
  rc=0
  "build-fuzz/fuzz/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$dir/" "$dir/corpus" >"$dir/log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)
  corpus=$(find "$dir/corpus" -type f | wc -l)
  findings=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  [ "$rc" -ne 0 ] && [ "$findings" -eq 0 ] && findings="exit $rc"
  [ "$findings" != 0 ] && found=1
  summary+=("$(printf '%-16s %10s %8s %8s %8s  %s' "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$findings")")
done
printf '%-16s %10s %8s %8s %8s  %s\n' target execs cov features corpus findings
printf '%s\n' "${summary[@]}"
echo "fuzz: runs in $runs"
exit "$found"
