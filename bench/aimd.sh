#!/usr/bin/env bash
# The LLM client's adaptive concurrency (AIMD) against a server that loses capacity
# mid-run: bench/sim_llm_server starts serving C = 64 at once, drops to 16 after 5 s,
# and turns a request away with HTTP 503 when 16 already wait. `longforge run` at
# --llm-concurrency 64, once with --fixed-llm-concurrency and once adaptive (the
# default). Rewrites its own section of bench/RESULTS.md (between the "bench/aimd.sh"
# markers).
#
# usage: bench/aimd.sh [BUILD_DIR]     (default: build)
#   RUNS=3   runs per mode (medians reported)   RESULTS=- prints instead of writing
# Needs: curl, jq, /usr/bin/time, /usr/bin/python3 and ../shared/data/books. ~4 minutes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
runs="${RUNS:-3}"
results="${RESULTS:-$root/bench/RESULTS.md}"
book="${BOOKS:-$root/../shared/data/books}/en_war_and_peace_pg2600.txt"
[[ -r "$book" ]] || { echo "aimd.sh: missing $book" >&2; exit 1; }
for tool in curl jq /usr/bin/time /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "aimd.sh: $tool is required" >&2; exit 1; }
done
cmake --build "$build" --target longforge sim_llm_server >/dev/null
lf="$build/longforge"
sim="$build/bench/sim_llm_server"

work="$(mktemp -d /tmp/longforge-aimd.XXXXXX)"
sim_pid=""
trap '[[ -n "$sim_pid" ]] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"' EXIT
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
median() { /usr/bin/python3 -c 'import statistics,sys; print(statistics.median(map(float,sys.argv[1:])))' "$@"; }

# War and Peace with 4 questions: 4,744 relevance calls, about 15 s at C/L = 320 req/s.
/usr/bin/python3 - "$book" "$work/wp.jsonl" <<'EOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
qs = [{"question": f"What happened at Borodinó, according to part {q + 1} of the story?"}
      for q in range(4)]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(json.dumps({"id": "wp", "text": text, "questions": qs}, ensure_ascii=False) + "\n")
EOF

sim_args=(--capacity 64 --latency-ms 200 --max-queue 16 --capacity-after 5:16 --marker Borodinó)
declare -A wall served turned unread accepted
rows=()
for mode in fixed adaptive; do
  walls=() serveds=() turneds=() unreads=()
  for ((r = 0; r < runs; r++)); do
    log "$mode run $((r + 1))/$runs"
    "$sim" --port 0 "${sim_args[@]}" >"$work/sim.port" 2>/dev/null &
    sim_pid=$!
    until grep -qx "[0-9][0-9]*" "$work/sim.port" 2>/dev/null; do sleep 0.05; done
    url="http://127.0.0.1:$(head -1 "$work/sim.port")"
    extra=()
    [[ $mode == fixed ]] && extra=(--fixed-llm-concurrency)
    rm -rf "$work/store" "$work/out"
    rc=0
    /usr/bin/time -f '%e' -o "$work/time" "$lf" run --no-progress --no-cache \
      --store "$work/store" --out "$work/out" -X topic.metadata.refresh.interval.ms=100 \
      --input "$work/wp.jsonl" --llm-url "$url/v1" --llm-model sim --llm-concurrency 64 \
      "${extra[@]}" >"$work/run.log" 2>&1 || rc=$?
    if ((rc != 0 && rc != 2)); then
      echo "aimd.sh: longforge run exited $rc" >&2
      tail -20 "$work/run.log" >&2
      exit 1
    fi
    s="$(curl -fsS "$url/stats")"
    kill "$sim_pid"
    wait "$sim_pid" 2>/dev/null || true
    sim_pid=""
    walls+=("$(cat "$work/time")")
    serveds+=("$(jq .stages.relevance.requests <<<"$s")")
    turneds+=("$(jq .server.turned_away <<<"$s")")
    u="$(sed -n 's/^  unread chunks:  \([0-9]*\) of .*/\1/p' "$work/run.log")"
    unreads+=("${u:-0}")
  done
  wall[$mode]="$(median "${walls[@]}")"
  served[$mode]="$(median "${serveds[@]}")"
  turned[$mode]="$(median "${turneds[@]}")"
  unread[$mode]="$(median "${unreads[@]}")"
  rate="$(/usr/bin/python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.0f}")' "${served[$mode]}" "${wall[$mode]}")"
  rows+=("| $mode | ${served[$mode]%.*} | **$rate/s** | ${turned[$mode]%.*} | ${unread[$mode]%.*} | ${wall[$mode]} s | ${walls[*]} s | \`longforge run --no-cache --input wp.jsonl --llm-url … --llm-concurrency 64${extra[*]:+ ${extra[*]}}\` |")
done

section="## Adaptive LLM concurrency (bench/aimd.sh)

Written by \`bench/aimd.sh\` on $(date -u +%Y-%m-%d) (\`RUNS=$runs\`, medians; $(nproc) cores,
load average $(cut -d' ' -f1-3 /proc/loadavg) at the end). War and Peace, 4 questions (4,744
relevance calls), against \`sim_llm_server ${sim_args[*]}\`: 64 requests served at once
for 5 s, then 16; beyond 16 waiting, HTTP 503 at once. The client retries a turned-away
attempt with backoff (6 attempts); the run loop tries a chunk 3 times before it counts
it failed, and an unread chunk makes its record \`incomplete_reading\`.

| client | relevance calls served | throughput | attempts turned away (503) | unread chunks | wall (median) | walls | command |
| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |
$(printf '%s\n' "${rows[@]}")
"
if [[ "$results" == "-" ]]; then
  printf '%s' "$section"
  exit 0
fi
printf '%s' "$section" >"$work/section.md"
/usr/bin/python3 - "$results" "$work/section.md" <<'EOF'
import sys
path, section = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
begin, end = "<!-- bench/aimd.sh: begin (generated; edit bench/aimd.sh instead) -->", "<!-- bench/aimd.sh: end -->"
block = begin + "\n" + section + end + "\n"
text = open(path, encoding="utf-8").read()
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    text = head + block + rest.split(end, 1)[1].lstrip("\n")
else:
    text = text.rstrip("\n") + "\n\n" + block
open(path, "w", encoding="utf-8").write(text)
EOF
log "wrote $results"
