#!/usr/bin/env bash
# One question about the whole of War and Peace, read globally (every chunk judged, the
# notes reduced in document order, then answered) against the same question through Lv2
# (every chunk judged, the best passages retrieved within the evidence budget), on
# bench/sim_llm_server; and what mapping the document costs. Rewrites the section of
# bench/RESULTS.md between the "bench/global.sh" markers.
#
# usage: bench/global.sh [BUILD_DIR]     (default: build-bench, configured if missing)
#   RUNS=3         repetitions of each timed run (medians are reported)
#   RESULTS=FILE   where to write (default bench/RESULTS.md); RESULTS=- prints instead
#   BOOKS=DIR      the books (default ../shared/data/books beside the source tree)
#
# Needs: cmake, ninja, curl, jq, /usr/bin/time, /usr/bin/python3 and the books. About two
# minutes on 2 cores once built.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build-bench}"
runs="${RUNS:-3}"
results="${RESULTS:-$root/bench/RESULTS.md}"
books="${BOOKS:-$root/../shared/data/books}"
war_and_peace="$books/en_war_and_peace_pg2600.txt"
marker="Borodinó"  # the simulator's judge finds the chunks that hold it relevant
kafka_x=(-X topic.metadata.refresh.interval.ms=100)
capacity=256 latency_ms=200
question="How does the battle of Borodinó change Pierre over the course of the novel?"

for tool in cmake curl jq /usr/bin/time /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "global.sh: $tool is required" >&2; exit 1; }
done
[[ -r "$war_and_peace" ]] || { echo "global.sh: missing $war_and_peace" >&2; exit 1; }

if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j2 --target longforge sim_llm_server >/dev/null
lf="$build/longforge"
sim="$build/bench/sim_llm_server"
build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")"

work="$(mktemp -d /tmp/longforge-global.XXXXXX)"
pids=()
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
trap cleanup EXIT
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

input="$work/one.jsonl"
/usr/bin/python3 - "$war_and_peace" "$input" "$question" <<'PY'
import json, sys
book, out, question = sys.argv[1:4]
text = open(book, encoding="utf-8").read()
with open(out, "w", encoding="utf-8") as f:
    f.write(json.dumps({"id": "wp-global", "title": "War and Peace", "text": text,
                        "questions": [{"question": question}]}, ensure_ascii=False) + "\n")
PY

# Runs the question with ARGS RUNS times; sets: walls (array), s (the last run's simulator
# stats), meta (the last record's meta).
measure() {
  walls=()
  for ((r = 0; r < runs; r++)); do
    start_sim "$capacity" "$latency_ms"
    lf_run --input "$input" --llm-concurrency "$capacity" "$@"
    s="$(stats)"
    stop_sim
    walls+=("$(cut -d' ' -f1 "$work/time")")
  done
  meta="$(cat "$work/out/dataset.jsonl" "$work/out/rejected.jsonl" | head -1 | jq -c .meta)"
}
calls() { jq "(.stages.\"$1\".requests // 0)" <<<"$s"; }
tokens() { jq "(.stages.\"$1\".prompt_tokens // 0)" <<<"$s"; }
# The LLM-bound minimum: each phase of parallel calls takes ceil(calls / C) rounds of L at
# best; the map and the relevance pass are phases of their own (the questioner waits for
# the map), each reduce round one more, and the answer call one L.
minimum() {  # minimum MAP RELEVANCE REDUCE_ROUNDS
  calc "($1 / $capacity + $2 / $capacity + $3 + 1) * $latency_ms / 1000"
}

log "global reading of one question over War and Peace (map always), C=$capacity, L=$latency_ms ms"
measure --scope global --map always
g_map="$(calls map)" g_map_tok="$(tokens map)"
g_rel="$(calls relevance)" g_rel_tok="$(tokens relevance)"
g_red="$(calls reduce)" g_red_tok="$(tokens reduce)"
g_ans="$(calls answer)" g_ans_tok="$(tokens answer)"
g_depth="$(jq .reduce_depth <<<"$meta")" g_notes="$(jq .notes <<<"$meta")"
g_chunks="$(jq .chunks_total <<<"$meta")" g_relevant="$(jq .chunks_relevant <<<"$meta")"
g_wall="$(median "${walls[@]}")" g_walls="${walls[*]}"
g_min="$(minimum "$g_map" "$g_rel" "$g_depth")"

log "the same question through Lv2 (no map)"
measure --scope local --map never
l_rel="$(calls relevance)" l_rel_tok="$(tokens relevance)"
l_ans="$(calls answer)" l_ans_tok="$(tokens answer)"
l_wall="$(median "${walls[@]}")" l_walls="${walls[*]}"
l_min="$(minimum 0 "$l_rel" 0)"

log "global reading without the map (a supplied question needs none)"
measure --scope global --map never
n_wall="$(median "${walls[@]}")" n_walls="${walls[*]}"
n_min="$(minimum 0 "$(calls relevance)" "$g_depth")"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

show() { echo "longforge run --no-cache --input one.jsonl --llm-url http://127.0.0.1:PORT/v1 --llm-model sim -X topic.metadata.refresh.interval.ms=100 --llm-concurrency $capacity $*"; }
g_total=$((g_map + g_rel + g_red + g_ans)) g_total_tok=$((g_map_tok + g_rel_tok + g_red_tok + g_ans_tok))
g_read=$((g_rel + g_red + g_ans)) g_read_tok=$((g_rel_tok + g_red_tok + g_ans_tok))
l_total=$((l_rel + l_ans)) l_total_tok=$((l_rel_tok + l_ans_tok))

emit "## One global question over War and Peace (bench/global.sh)"
emit
emit "Written by \`bench/global.sh\` on $(date -u +%Y-%m-%d); $(nproc) cores, $build_type build, load average"
emit "$load_before before and $load_after after. The simulator (\`bench/sim_llm_server\`, C = $capacity"
emit "concurrent calls, L = $latency_ms ms each) judges a chunk relevant when it holds \"$marker\" and quotes"
emit "that sentence; its reduce keeps every other note of a group; its map writes a card from the"
emit "passage's first sentence. The question, supplied: \"$question\""
emit "Global reading: $g_chunks chunks read, $g_relevant relevant, $g_notes notes, reduce depth $g_depth."
emit
emit "LLM calls and prompt tokens by stage (counted by the simulator; the same in every run):"
emit
emit "| reading | map | relevance | reduce | answer | all calls | prompt tokens: map | relevance | reduce | answer | all |"
emit "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
emit "| global, map included | $g_map | $g_rel | $g_red | $g_ans | $g_total | $g_map_tok | $g_rel_tok | $g_red_tok | $g_ans_tok | $g_total_tok |"
emit "| global, question only | – | $g_rel | $g_red | $g_ans | $g_read | – | $g_rel_tok | $g_red_tok | $g_ans_tok | $g_read_tok |"
emit "| Lv2 | – | $l_rel | – | $l_ans | $l_total | – | $l_rel_tok | – | $l_ans_tok | $l_total_tok |"
emit
emit "The map is written once per document and shared by every question asked of it (and is"
emit "only needed to write questions): $g_map calls and $g_map_tok prompt tokens for War and Peace,"
emit "one per reading chunk. Over Lv2, the question itself costs $((g_read - l_total)) more calls (its reduce"
emit "calls) and $(fmt "$g_read_tok / $l_total_tok" .3f)× the prompt tokens."
emit
emit "Wall time of the whole \`longforge run\` (start to exit, embedded Kafka included; median of $runs)"
emit "against the LLM-bound minimum: (map ÷ C + relevance ÷ C + reduce rounds + 1 answer) × L."
emit
emit "| reading | wall (median) | minimum | wall ÷ minimum | walls of the runs | command |"
emit "| --- | ---: | ---: | ---: | --- | --- |"
emit "| global, map included | $(fmt "$g_wall" .2f) s | $(fmt "$g_min" .2f) s | **$(fmt "$g_wall / $g_min" .2f)** | $g_walls s | $(show --scope global --map always) |"
emit "| global, no map | $(fmt "$n_wall" .2f) s | $(fmt "$n_min" .2f) s | **$(fmt "$n_wall / $n_min" .2f)** | $n_walls s | $(show --scope global --map never) |"
emit "| Lv2 | $(fmt "$l_wall" .2f) s | $(fmt "$l_min" .2f) s | **$(fmt "$l_wall / $l_min" .2f)** | $l_walls s | $(show --scope local --map never) |"

if [[ "$results" == "-" ]]; then
  printf '%s' "$section"
  exit 0
fi
write_section "$results" bench/global.sh
log "wrote $results"
