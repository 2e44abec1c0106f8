#!/usr/bin/env bash
# Tokens per second per core: longforge's BpeTokenizer against the JavaScript reference
# tokenizers under Node (js-tiktoken for cl100k, @lenml/tokenizers for qwen3), on War
# and Peace and 红楼梦, in the same run. Prints a markdown table.
#
# usage: bench/tokenizer_vs_tiktoken.sh [BUILD_DIR]   (default: build)
#   BUILD_DIR must hold bench/tokenizer_bench (cmake --build BUILD_DIR --target tokenizer_bench).
#
# Both sides are timed in CPU seconds of the encode call alone, files already loaded:
#   longforge cold  first Count on a freshly loaded tokenizer (empty piece cache)
#   longforge warm  Count with the piece cache filled by earlier runs (Google Benchmark)
#   JS              fastest of JS_RUNS encodes (V8 warmed up; process.cpuUsage, GC
#                   threads included)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
bench="$build/bench/tokenizer_bench"
data="$root/../shared/data"
ref="$root/tests/support/node_reference"
js_runs="${JS_RUNS:-5}"

[[ -x "$bench" ]] || { echo "missing $bench: cmake --build $build --target tokenizer_bench" >&2; exit 1; }
command -v node >/dev/null || { echo "node is required" >&2; exit 1; }
"$root/ops/install-node-reference.sh" >/dev/null

declare -A tokenizer=([cl100k]="$data/tokenizers/cl100k_base.tiktoken"
                      [qwen3]="$data/tokenizers/qwen3/tokenizer.json")
declare -A book=([war_and_peace]="$data/books/en_war_and_peace_pg2600.txt"
                 [hongloumeng]="$data/books/zh_hongloumeng.txt")
declare -A js_name=([cl100k]="js-tiktoken 1.0.21" [qwen3]="@lenml/tokenizers 3.7.2")

json="$(mktemp)"
trap 'rm -f "$json"' EXIT
"$bench" --benchmark_filter='^Count(Cold)?/' --benchmark_format=json >"$json" 2>/dev/null

# cpu seconds per iteration and token count of one benchmark row, from the JSON report.
lf_row() {  # lf_row NAME_PREFIX
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const b = r.benchmarks.find((x) => x.name.startsWith(process.argv[2]));
    const unit = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1 }[b.time_unit];
    console.log(`${b.tokens} ${b.cpu_time * unit}`);' "$json" "$1"
}

rate() { awk -v t="$1" -v s="$2" 'BEGIN { printf "%.2f M", t / s / 1e6 }'; }
ratio() { awk -v js="$1" -v lf="$2" 'BEGIN { printf "%.1f×", js / lf }'; }

echo "| tokenizer | book | tokens | longforge cold tok/s | longforge warm tok/s | JS reference | JS tok/s | cold ÷ JS | warm ÷ JS |"
echo "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |"
for tok in cl100k qwen3; do
  for b in war_and_peace hongloumeng; do
    read -r tokens cold_s < <(lf_row "CountCold/$tok/$b")
    read -r _ warm_s < <(lf_row "Count/$tok/$b/")
    read -r js_tokens js_s _ < <(node "$ref/encode.mjs" --kind "$tok" --tokenizer "${tokenizer[$tok]}" \
                                   --bench "$js_runs" "${book[$b]}")
    [[ "$js_tokens" == "$tokens" ]] || echo "WARNING: $tok $b: JS counts $js_tokens tokens, longforge $tokens" >&2
    echo "| $tok | $b | $tokens | $(rate "$tokens" "$cold_s") | $(rate "$tokens" "$warm_s") |" \
         "${js_name[$tok]} | $(rate "$tokens" "$js_s") | $(ratio "$js_s" "$cold_s") | $(ratio "$js_s" "$warm_s") |"
  done
done
