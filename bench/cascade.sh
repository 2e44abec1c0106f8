#!/usr/bin/env bash
# --level auto against --level 2 on generated questions over War and Peace and 红楼梦:
# LLM calls and prompt tokens per accepted sample, and the acceptance rate of each, on
# bench/sim_llm_server --careful-reader (relevance, answer and judge find the sentences
# holding most of the question's terms: a careful reader of questions written from one
# sentence; the closed-book check answers "I don't know"). The mapper and the questioner
# stay extractive (their questions and references are the extractive generator's), so
# only the reading differs. Rewrites the section of bench/RESULTS.md between the
# "bench/cascade.sh" markers.
#
# usage: bench/cascade.sh [BUILD_DIR]    (default: build-bench, configured if missing)
#   RESULTS=FILE   where to write (default bench/RESULTS.md); RESULTS=- prints instead
#   BOOKS=DIR      the books (default ../shared/data/books beside the source tree)
#
# Needs: cmake, ninja, curl, /usr/bin/python3 and the books. About a minute on 2 cores
# once built. Deterministic: the counts do not vary between runs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build-bench}"
results="${RESULTS:-$root/bench/RESULTS.md}"
books="${BOOKS:-$root/../shared/data/books}"
kafka_x=(-X topic.metadata.refresh.interval.ms=100)
marker=""

for tool in cmake curl /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "cascade.sh: $tool is required" >&2; exit 1; }
done
for book in en_war_and_peace_pg2600.txt zh_hongloumeng.txt; do
  [[ -r "$books/$book" ]] || { echo "cascade.sh: missing $books/$book" >&2; exit 1; }
done

if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j2 --target longforge sim_llm_server >/dev/null
lf="$build/longforge"
sim="$build/bench/sim_llm_server"

work="$(mktemp -d /tmp/longforge-cascade.XXXXXX)"
pids=()
by_level=""
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
trap cleanup EXIT

"$sim" --port 0 --capacity 128 --latency-ms 2 --careful-reader >"$work/sim.port" 2>"$work/sim.log" &
pids+=($!)
wait_for "[[ -s $work/sim.port ]]" 10
url="http://127.0.0.1:$(head -1 "$work/sim.port")/v1"

emit "## --level auto against --level 2 (bench/cascade.sh)"
emit ""
emit "Generated questions (the extractive generator's cloze, who and number questions, and"
emit "the global ones written by rule from the map: timeline, count, first_last) over each"
emit "whole book, answered through \`bench/sim_llm_server --careful-reader\`: the relevance"
emit "judge quotes the sentences holding at least 60% of a question's terms, the answer is"
emit "the evidence sentence holding the most of them (NOT IN EVIDENCE below 60%), the judge"
emit "says yes when the candidate states the reference, and the closed-book check never"
emit "knows. The mapper and questioner are extractive, so both levels get the same"
emit "questions; the counts are the run summary's. Command: \`bench/cascade.sh\`."
emit ""
emit "| book | level | questions | accepted | LLM calls | prompt tokens | calls per accepted | prompt tokens per accepted |"
emit "| --- | --- | --- | --- | --- | --- | --- | --- |"
for book in en_war_and_peace_pg2600.txt zh_hongloumeng.txt; do
  /usr/bin/python3 - "$books/$book" "$work/doc.jsonl" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(json.dumps({"id": "book", "text": text}, ensure_ascii=False) + "\n")
PY
  for level in auto 2; do
    log "$book --level $level"
    rm -rf "$work/store" "$work/out"
    "$lf" run --no-progress --no-cache --store "$work/store" --out "$work/out" "${kafka_x[@]}" \
      --relevance-llm-url "$url" --answer-llm-url "$url" --judge-llm-url "$url" \
      --llm-model sim --llm-concurrency 128 --level "$level" --input "$work/doc.jsonl" \
      >"$work/run.log" 2>&1 || { tail -20 "$work/run.log" >&2; exit 1; }
    row="$(/usr/bin/python3 - "$work/run.log" <<'PY'
import re, sys
log = open(sys.argv[1], encoding="utf-8").read()
tasks = int(re.search(r"tasks:\s+(\d+)", log).group(1))
accepted = int(re.search(r"accepted:\s+(\d+)", log).group(1))
calls, prompt = map(int, re.search(r"llm calls:\s+(\d+) \(\d+ from cache\), (\d+) prompt", log).groups())
per = lambda x: format(x / accepted, ",.0f") if accepted else "-"
print(f"{tasks} | {accepted} ({100 * accepted / tasks:.0f}%) | {calls:,} | {prompt:,} | {per(calls)} | {per(prompt)}")
PY
)"
    emit "| ${book%.txt} | $level | $row |"
    if [[ "$level" == auto ]]; then
      by_level+="${book%.txt}, --level auto (\`longforge stats\`):"$'\n'
      by_level+="$("$lf" stats "$work/out" | sed -n '/^prompt tokens per accepted sample by level/,/^[a-z]/p' |
        grep '^  level' | sed 's/^  /- /')"$'\n\n'
    fi
  done
done
emit ""
emit "Where the tokens go. Global questions always read every chunk, so they cost the same at"
emit "both levels; a local question with a reference starts at level 1 (keywords, one answer"
emit "call, the judge when needed and the closed-book check) and reads the book only when"
emit "that answer is not accepted. Records by the level that made them (a cascaded record's"
emit "tokens include its lower levels):"
emit ""
emit "$by_level"
emit "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, \`$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")\` build."

if [[ "$results" == "-" ]]; then
  printf '%s' "$section"
else
  write_section "$results" "bench/cascade.sh"
  log "wrote $results"
fi
