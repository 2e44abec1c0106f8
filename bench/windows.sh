#!/usr/bin/env bash
# What --context window costs: `longforge run` over War and Peace and 红楼梦 (extractive
# baseline, generated questions, the exact Qwen3 tokenizer) with --context full, then
# with --context window --length-buckets 32k,128k,512k at the five default depths.
# Prints a Markdown table: wall time of the whole run, records written per file, windows
# skipped by reason. The difference in wall time is the sink's windowing (counting each
# document once by lines, then a few counts of each window).
#
# usage: bench/windows.sh [BUILD_DIR]    (default: build)
#   DATA=DIR   ../shared/data beside the source tree by default (books/, tokenizers/)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
data="${DATA:-$root/../shared/data}"
lf="$build/longforge"
tokenizer="$data/tokenizers/qwen3/tokenizer.json"
[[ -x "$lf" ]] || { echo "windows.sh: $lf is missing (build it first)" >&2; exit 1; }
[[ -r "$tokenizer" ]] || { echo "windows.sh: missing $tokenizer" >&2; exit 1; }

work="$(mktemp -d /tmp/longforge-windows.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/books"
for book in en_war_and_peace_pg2600.txt zh_hongloumeng.txt; do
  [[ -r "$data/books/$book" ]] || { echo "windows.sh: missing $data/books/$book" >&2; exit 1; }
  cp "$data/books/$book" "$work/books/"
done

echo "| context | wall time (s) | records written | skipped windows |"
echo "| --- | --- | --- | --- |"
for mode in full window; do
  out="$work/out-$mode"
  extra=(--context full)
  [[ "$mode" == window ]] && extra=(--context window --length-buckets 32k,128k,512k)
  summary=$("$lf" run --input "$work/books" --out "$out" --store "$work/store-$mode" \
    --no-progress --metrics-port 0 --questions-per-doc 8 --global-share 0 \
    --tokenizer "$tokenizer" "${extra[@]}" 2>&1)
  wall=$(grep -oP 'wall time:\s+\K[0-9.]+' <<<"$summary")
  records=""
  for f in "$out"/dataset*.jsonl; do
    records+="$(basename "$f"): $(wc -l <"$f"), "
  done
  skipped="-"
  if [[ -f "$out/skipped.jsonl" ]]; then
    skipped=$(/usr/bin/python3 -c '
import collections, json, sys
c = collections.Counter(json.loads(l)["meta"]["reason"] for l in open(sys.argv[1]))
print(", ".join(f"{k}: {v}" for k, v in sorted(c.items())) or "0")' "$out/skipped.jsonl")
  fi
  echo "| $mode | $wall | ${records%, } | $skipped |"
done
