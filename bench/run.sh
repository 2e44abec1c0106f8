#!/usr/bin/env bash
# Every end-to-end benchmark of issue 6 in one run, against bench/sim_llm_server; rewrites
# the section of bench/RESULTS.md between the "bench/run.sh" markers with what it just
# measured (the other sections of that file belong to other scripts and are kept).
#
# usage: bench/run.sh [BUILD_DIR]        (default: build-bench, configured if missing)
#   RUNS=3         repetitions per timed scenario (medians are reported)
#   RESULTS=FILE   where to write (default bench/RESULTS.md); RESULTS=- prints instead
#   BOOKS=DIR      the books (default ../shared/data/books beside the source tree)
#
# Needs: cmake, ninja, curl, jq, kcat, /usr/bin/time, /usr/bin/python3 with xapian
# (python3-xapian), and the books in ../shared/data/books. About 5 minutes on 2 cores.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build-bench}"
runs="${RUNS:-3}"
results="${RESULTS:-$root/bench/RESULTS.md}"
books="${BOOKS:-$root/../shared/data/books}"
war_and_peace="$books/en_war_and_peace_pg2600.txt"
marker="Borodinó"  # 108 of War and Peace's ~1,186 reading chunks hold it
kafka_x=(-X topic.metadata.refresh.interval.ms=100)

for tool in cmake curl jq kcat /usr/bin/time /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
/usr/bin/python3 -c 'import xapian' 2>/dev/null ||
  { echo "run.sh: python3-xapian is required (apt-get install python3-xapian)" >&2; exit 1; }
[[ -r "$war_and_peace" ]] || { echo "run.sh: missing $war_and_peace" >&2; exit 1; }

# --- build ---------------------------------------------------------------------------
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j2 --target longforge sim_llm_server sim_load_client bm25_compare \
  >/dev/null
lf="$build/longforge"
sim="$build/bench/sim_llm_server"
build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")"

work="$(mktemp -d /tmp/longforge-bench.XXXXXX)"
pids=()
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
trap cleanup EXIT

# --- inputs ----------------------------------------------------------------------------
# JSONL of COPIES copies of War and Peace (each made distinct by a first line) with N
# questions each: make_book OUT COPIES N [TAG]
make_book() {
  /usr/bin/python3 - "$war_and_peace" "$@" <<'EOF'
import json, sys
book, out, copies, questions = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
tag = sys.argv[5] if len(sys.argv) > 5 else ""
text = open(book, encoding="utf-8").read()
with open(out, "w", encoding="utf-8") as f:
    for c in range(copies):
        qs = [{"question": f"What happened at Borodinó, according to part {q + 1} of the story?"}
              for q in range(questions)]
        f.write(json.dumps({"id": f"wp{tag}-{c}", "title": f"War and Peace {tag} {c}",
                            "text": f"Copy {tag} {c}.\n\n" + text, "questions": qs},
                           ensure_ascii=False) + "\n")
EOF
}

# A longforge cluster of separate processes, as deployed: cluster starts a broker and
# sets $brokers; worker STAGE [args] starts one stage's worker and sets $worker_pid.
cluster() {
  rm -rf "$work/cluster" && mkdir -p "$work/cluster"
  "$lf" broker --partitions 16 --port-file "$work/cluster/bootstrap" >/dev/null 2>"$work/cluster/broker.log" &
  broker_pid=$!
  pids+=("$broker_pid")
  wait_for "[[ -s $work/cluster/bootstrap ]]" 20
  brokers="$(cat "$work/cluster/bootstrap")"
}
worker() {  # worker STAGE [args]; sets worker_pid
  "$lf" worker "$1" --brokers "$brokers" "${kafka_x[@]}" --store "$work/cluster/store" \
    --out "$work/cluster/out" "${@:2}" >/dev/null 2>"$work/cluster/$1.log" &
  worker_pid=$!
  pids+=("$worker_pid")
}
# Seconds from writing FILE's lines into FIFO (read by a running `longforge ingest -`)
# until OUT_DIR's .jsonl files hold N more lines: timed_submit FIFO FILE OUT_DIR N
timed_submit() {
  /usr/bin/python3 - "$@" <<'EOF'
import glob, os, sys, time
fifo, doc, out, want = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = open(doc, "rb").read()
offsets, lines = {}, 0
def count():  # newlines written since the last look, reading only the new bytes
    global lines
    for path in glob.glob(os.path.join(out, "*.jsonl")):
        size = os.path.getsize(path)
        at = offsets.get(path, 0)
        if size > at:
            with open(path, "rb") as f:
                f.seek(at)
                lines += f.read(size - at).count(b"\n")
            offsets[path] = size
    return lines
base = count()
t0 = time.monotonic()
with open(fifo, "wb") as f:
    f.write(data)
while count() < base + want:
    if time.monotonic() - t0 > 600:
        sys.exit("timed_submit: no record after 600 s")
    time.sleep(0.002)
print(time.monotonic() - t0)
EOF
}
# The command as RESULTS.md shows it.
show_run() { echo "longforge run --no-cache --input $1 --llm-url http://127.0.0.1:PORT/v1 --llm-model sim -X topic.metadata.refresh.interval.ms=100 ${*:2}"; }


# --- machine ---------------------------------------------------------------------------
cpu_model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
cpu_mhz="$(sed -n 's/^cpu MHz[[:space:]]*: //p' /proc/cpuinfo | head -1)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
started=$SECONDS
log "work dir $work, build $build ($build_type), $runs runs per scenario"

# --- 0. the simulator alone ------------------------------------------------------------
log "simulator capacity at L = 0"
client="$build/bench/sim_load_client"
cap_rps=() cap_cpu=()
start_sim 1024 0
for ((r = 0; r < runs; r++)); do
  j="$("$client" --url "$sim_url/v1" --requests 30000 --concurrency 128 --prompt-bytes 3000)"
  cap_rps+=("$(jq .requests_per_s <<<"$j")")
  cap_cpu+=("$(jq .client_cpu_us_per_request <<<"$j")")
done
stop_sim
sim_capacity="$(median "${cap_rps[@]}")"
log "simulator: $(fmt "$sim_capacity" .0f) req/s"

# --- 1. saturation -----------------------------------------------------------------------
# Questions per configuration so that the busy window lasts ~10–20 s at C/L.
declare -A sat_questions=([64:200]=4 [64:1000]=1 [256:200]=12 [256:1000]=3)
sat_rows=()
for c in 64 256; do
  for l in 200 1000; do
    q="${sat_questions[$c:$l]}"
    input="$work/sat-$c-$l.jsonl"
    make_book "$input" 1 "$q"
    args=(--input "$input" --llm-concurrency "$c")
    steady=() busy=() walls=() cpu=()
    for ((r = 0; r < runs; r++)); do
      log "saturation C=$c L=${l}ms run $((r + 1))/$runs ($q questions)"
      start_sim "$c" "$l"
      lf_run "${args[@]}"
      s="$(stats)"
      stop_sim
      steady+=("$(jq .stages.relevance.steady_rate <<<"$s")")
      busy+=("$(jq .stages.relevance.busy_rate <<<"$s")")
      walls+=("$(cut -d' ' -f1 "$work/time")")
      calls="$(jq .stages.relevance.requests <<<"$s")"
      read -r _ user sys _ <"$work/time"
      cpu+=("$(calc "($user + $sys) / $(jq .total.requests <<<"$s") * 1e6")")
      maxin="$(jq .server.max_in_service <<<"$s")"
    done
    limit="$(calc "$c / ($l / 1000)")"
    ms="$(median "${steady[@]}")" mb="$(median "${busy[@]}")"
    sat_rows+=("| $c | $l ms | $(fmt "$limit" .0f) | $calls | $(fmt "$ms" .1f) | **$(fmt "$(calc "$ms / $limit")" .3f)** | $(fmt "$mb" .1f) | $(fmt "$(calc "$mb / $limit")" .3f) | $maxin | $(fmt "$(median "${walls[@]}")" .1f) s | $(fmt "$(median "${cpu[@]}")" .0f) µs | $(show_run sat.jsonl "${args[@]:2}") |")
  done
done

# --- 2 and 4. overhead at L = 0, prompt tokens per question ------------------------------
log "overhead and prompt tokens (L = 0)"
input="$work/tokens.jsonl"
make_book "$input" 1 8
declare -A tok_relevance tok_total tok_calls
ov_us=() ov_calls=() ov_rate=()
for qpc in 1 4 8; do
  reps=1
  [[ $qpc == 1 ]] && reps=$runs
  for ((r = 0; r < reps; r++)); do
    start_sim 256 0
    lf_run --input "$input" --llm-concurrency 64 --questions-per-call "$qpc"
    s="$(stats)"
    stop_sim
    tok_relevance[$qpc]="$(jq .stages.relevance.prompt_tokens <<<"$s")"
    tok_total[$qpc]="$(jq .total.prompt_tokens <<<"$s")"
    tok_calls[$qpc]="$(jq .total.requests <<<"$s")"
    if [[ $qpc == 1 ]]; then
      read -r wall user sys _ <"$work/time"
      ov_us+=("$(calc "($user + $sys) / ${tok_calls[1]} * 1e6")")
      ov_calls+=("${tok_calls[1]}")
      ov_rate+=("$(calc "${tok_calls[1]} / $wall")")
    fi
  done
done

# --- 3. one question over a 1M-token document ------------------------------------------
log "one question over War and Peace at C=256, L=200 ms"
input="$work/one.jsonl"
make_book "$input" 1 1
one_wall=() one_ratio=() one_first=() one_window=() one_after=()
for ((r = 0; r < runs; r++)); do
  start_sim 256 200
  lf_run --input "$input" --llm-concurrency 256
  s="$(stats)"
  stop_sim
  chunks="$(jq .stages.relevance.requests <<<"$s")"
  wall="$(cut -d' ' -f1 "$work/time")"
  # One task: its keywords (if any) and answer calls follow the relevance pass one by one.
  sequential="$(jq '.total.requests - .stages.relevance.requests' <<<"$s")"
  minimum="$(calc "$chunks / (256 / 0.2) + 0.2 * $sequential")"
  one_wall+=("$wall")
  one_ratio+=("$(calc "$wall / $minimum")")
  one_first+=("$(jq .stages.relevance.first_arrival_s <<<"$s")")
  one_window+=("$(jq '.stages.relevance.last_done_s - .stages.relevance.first_arrival_s' <<<"$s")")
  one_after+=("$(jq '([.stages[] | .last_done_s] | max) - .stages.relevance.last_done_s' <<<"$s")")
  one_stages="$(jq -c '[.stages | to_entries[] | "\(.key) \(.value.requests)"]' <<<"$s")"
done

# The same question on a running pipeline, as deployed: broker and workers are up and
# warm (joined, connections to the LLM open, one earlier document done); timed from the
# start of `longforge ingest` until the record is in the sink's output.
log "one question over War and Peace on a running pipeline"
start_sim 256 200
cluster
hot_pids=()
for stage in chunker mapper questioner relevance answer filter sink; do
  worker "$stage" --metrics-port 0 --llm-url "$sim_url/v1" --llm-model sim --llm-concurrency 256
  hot_pids+=("$worker_pid")
done
# The submitter runs too: `longforge ingest -` reading JSONL from a FIFO held open.
mkfifo "$work/submit"
"$lf" ingest --brokers "$brokers" "${kafka_x[@]}" --store "$work/cluster/store" \
  --stdin-format jsonl - <"$work/submit" >/dev/null 2>"$work/cluster/ingest.log" &
ingest_pid=$!
pids+=("$ingest_pid")
exec 9>"$work/submit"
make_book "$work/warm.jsonl" 1 1 warm
timed_submit "$work/submit" "$work/warm.jsonl" "$work/cluster/out" 1 >/dev/null
hot_wall=() hot_ratio=() hot_first=() hot_window=() hot_after=()
hot_runs=$((runs > 5 ? runs : 5))  # ~1.4 s each: more of them steady the median
for ((r = 0; r < hot_runs; r++)); do
  log "running pipeline run $((r + 1))/$hot_runs"
  make_book "$work/hot-$r.jsonl" 1 1 "hot$r"
  curl -fsS -d '' "$sim_url/reset" >/dev/null
  wall="$(timed_submit "$work/submit" "$work/hot-$r.jsonl" "$work/cluster/out" 1)"
  s="$(stats)"
  hot_chunks="$(jq .stages.relevance.requests <<<"$s")"
  minimum="$(calc "$hot_chunks / (256 / 0.2) + 0.2 * $(jq '.total.requests - .stages.relevance.requests' <<<"$s")")"
  hot_wall+=("$wall")
  hot_ratio+=("$(calc "$wall / $minimum")")
  hot_first+=("$(jq .stages.relevance.first_arrival_s <<<"$s")")
  hot_window+=("$(jq '.stages.relevance.last_done_s - .stages.relevance.first_arrival_s' <<<"$s")")
  hot_after+=("$(jq '([.stages[] | .last_done_s] | max) - .stages.relevance.last_done_s' <<<"$s")")
done
exec 9>&-  # end of input: ingest exits
wait "$ingest_pid" || true
hot_minimum="$minimum"
for p in "${hot_pids[@]}"; do stop "$p"; done
stop "$broker_pid"
stop_sim

# --- 5. BM25 vs Xapian -------------------------------------------------------------------
log "BM25 vs Xapian"
mkdir -p "$work/bm25"
lfj="$("$build/bench/bm25_compare" --book "$war_and_peace" --out-dir "$work/bm25" --repetitions 5)"
xj="$(/usr/bin/python3 "$root/bench/bm25_xapian.py" "$work/bm25" --repetitions "$runs")"

# --- 6. memory of the answer worker ------------------------------------------------------
log "memory: answer worker gathering 16 tasks over 16 copies of War and Peace"
start_sim 256 0
cluster
stage_pids=()
llm=(--llm-url "$sim_url/v1" --llm-model sim --llm-concurrency 256)
for stage in chunker mapper questioner relevance answer filter sink; do
  worker "$stage" --metrics-port 0 "${llm[@]}"
  stage_pids+=("$worker_pid")
  [[ $stage == answer ]] && answer_pid=$worker_pid
done
make_book "$work/mem.jsonl" 16 1 mem
mem_bytes="$(/usr/bin/python3 -c 'import json,sys; print(sum(len(json.loads(l)["text"].encode()) for l in open(sys.argv[1])))' "$work/mem.jsonl")"
t0=$SECONDS
"$lf" ingest --brokers "$brokers" "${kafka_x[@]}" --store "$work/cluster/store" "$work/mem.jsonl" >/dev/null
written() { cat "$work/cluster/out/"*.jsonl 2>/dev/null | wc -l; }
wait_for '(($(written) >= 16))' 600
mem_wall=$((SECONDS - t0))
mem_hwm_kb="$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$answer_pid/status")"
mem_relevance="$(stats | jq .stages.relevance.requests)"
for p in "${stage_pids[@]}"; do stop "$p"; done
stop "$broker_pid"
stop_sim

# --- 7. broker path: ingest -> chunker -----------------------------------------------------
log "broker path: ingest -> chunker"
cluster
metrics_port="$(free_port)"
worker chunker --metrics-port "$metrics_port"
chunker_pid=$worker_pid
chunked() {
  curl -fsS "http://127.0.0.1:$metrics_port/metrics" 2>/dev/null |
    awk '/^longforge_messages_produced_total/ && /lf.chunked/ { n += $2 } END { print n + 0 }'
}
ingest() { "$lf" ingest --brokers "$brokers" "${kafka_x[@]}" --store "$work/cluster/store" "$@" >/dev/null; }
# Warm up: the chunker's group join takes seconds and is not what is measured.
echo "warm-up document" >"$work/warmup.txt"
ingest "$work/warmup.txt"
wait_for '(($(chunked) >= 1))' 60
# corpus DIR KIND TAG: "large" = the four books, four copies each; "small" = the books
# cut into ~4 KB documents at paragraph ends.
corpus() {
  rm -rf "$1" && mkdir -p "$1"
  /usr/bin/python3 - "$books" "$@" <<'EOF'
import os, sys
books, out, kind, tag = sys.argv[1:5]
texts = [open(os.path.join(books, b), encoding="utf-8").read() for b in sorted(os.listdir(books))]
n = 0
if kind == "large":
    for t in texts:
        for c in range(4):
            open(f"{out}/{n:05}.txt", "w", encoding="utf-8").write(f"Copy {tag} {c}.\n\n" + t)
            n += 1
else:
    for t in texts:
        piece = ""
        for para in t.split("\n\n"):
            piece += para + "\n\n"
            if len(piece.encode()) >= 4096:
                open(f"{out}/{n:05}.txt", "w", encoding="utf-8").write(f"Piece {tag} {n}.\n\n" + piece)
                n += 1
                piece = ""
EOF
}
declare -A bp_docs bp_bytes bp_dps bp_mbps
for kind in large small; do
  dps=() mbps=()
  for ((r = 0; r < runs; r++)); do
    dir="$work/corpus-$kind-$r"
    corpus "$dir" "$kind" "$r"
    docs="$(find "$dir" -type f | wc -l)"
    bytes="$(du -sb --apparent-size "$dir" | cut -f1)"
    base="$(chunked)"
    log "broker path $kind run $((r + 1))/$runs: $docs documents, $bytes bytes"
    t0="$(date +%s.%N)"
    ingest "$dir"
    wait_for "((\$(chunked) >= base + docs))" 600
    t1="$(date +%s.%N)"
    dps+=("$(calc "$docs / ($t1 - $t0)")")
    mbps+=("$(calc "$bytes / 1e6 / ($t1 - $t0)")")
    rm -rf "$dir"
  done
  bp_docs[$kind]=$docs bp_bytes[$kind]=$bytes
  bp_dps[$kind]="$(median "${dps[@]}")" bp_mbps[$kind]="$(median "${mbps[@]}")"
done
kcat_count="$(kcat -C -b "$brokers" "${kafka_x[@]}" -t lf.chunked -o beginning -e -q | wc -l)"
stop "$chunker_pid"
stop "$broker_pid"

# --- RESULTS.md --------------------------------------------------------------------------
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
elapsed=$((SECONDS - started))
emit "## End to end (bench/run.sh)"
emit
emit "Written by \`bench/run.sh\` on $(date -u +%Y-%m-%d) in $((elapsed / 60)) min $((elapsed % 60)) s; every figure below was"
emit "measured by that run. Machine: $(nproc) cores, $cpu_model ($cpu_mhz MHz), $(sed -n 's/^PRETTY_NAME="\(.*\)"/\1/p' /etc/os-release),"
emit "g++ $(g++ -dumpfullversion), $build_type build; load average $load_before before, $load_after after"
emit "(other sessions share the two cores). Medians of $runs runs unless a row says otherwise."
emit
emit "Command: \`bench/run.sh\` (\`RUNS=$runs\`). The LLM is \`bench/sim_llm_server --capacity C --latency-ms L --marker $marker\`:"
emit "C requests served at once, the rest queued first come first served, each held L ms;"
emit "prompt tokens are counted as bytes/4 of the messages. Relevance replies NONE unless the"
emit "chunk holds \"$marker\", then that sentence verbatim. Inputs are War and Peace"
emit "(3.29 MB, 1.11 M estimated tokens, 1,186 reading chunks of ≤ 1,000 tokens) with N"
emit "questions; every run uses a fresh store and \`--no-cache\`."
emit
emit "### The simulator alone"
emit
emit "\`sim_load_client --requests 30000 --concurrency 128 --prompt-bytes 3000\` (longforge's"
emit "HttpChatClient, one curl-multi thread) against \`sim_llm_server --capacity 1024 --latency-ms 0\`:"
emit "**$(fmt "$sim_capacity" .0f) requests/s** (runs: $(for x in "${cap_rps[@]}"; do printf '%.0f ' "$x"; done | sed 's/ $//')), the client spending"
emit "$(fmt "$(median "${cap_cpu[@]}")" .0f) µs CPU per request. A third of it is $(fmt "$(calc "$sim_capacity / 3")" .0f) req/s; the fastest scenario"
emit "below (C = 256, L = 200 ms) asks for 1,280 req/s."
emit
emit "### 1. Saturation (aim ≥ 0.95)"
emit
emit "Relevance requests/s measured by the simulator ÷ C/L. *Steady* counts the middle 80%"
emit "of relevance completions over the time they took (ramp-up and drain left out); *busy*"
emit "is all relevance requests ÷ (last completion − first arrival). The relevance stage"
emit "holds max(256, 2C) messages by default, more than its C LLM slots."
emit "*CPU per call* is the whole process's CPU (start-up included) ÷ LLM calls."
emit
emit "| C | L | C/L req/s | relevance calls | steady req/s | steady ÷ C/L | busy req/s | busy ÷ C/L | max in service | wall | CPU per call | command |"
emit "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for row in "${sat_rows[@]}"; do emit "$row"; done
emit
emit "### 2. Overhead (aim ≤ 200 µs per call)"
emit
emit "CPU seconds (user + system, /usr/bin/time) of the whole \`longforge run\` process —"
emit "every stage from ingest to sink plus the in-process mock Kafka — ÷ LLM calls, at L = 0"
emit "(\`sim_llm_server --capacity 256 --latency-ms 0\`), War and Peace with 8 questions:"
emit
emit "| LLM calls | calls/s | CPU per call | runs | command |"
emit "| ---: | ---: | ---: | --- | --- |"
emit "| ${ov_calls[0]} | $(fmt "$(median "${ov_rate[@]}")" .0f) | **$(fmt "$(median "${ov_us[@]}")" .0f) µs** | $(for x in "${ov_us[@]}"; do printf '%.0f ' "$x"; done | sed 's/ $//') µs | $(show_run tokens.jsonl --llm-concurrency 64 --questions-per-call 1) |"
emit
emit "### 3. One question over a 1M-token document (aim ≤ 1.2)"
emit
emit "War and Peace, one question, Lv2, C = 256, L = 200 ms. The LLM-bound minimum is"
emit "relevance calls ÷ (C/L) + L per later call of the task (here the answer): $(fmt "$hot_minimum" .3f) s for $hot_chunks"
emit "relevance calls. Even a perfect client needs ⌈$hot_chunks ÷ 256⌉ = $(( (hot_chunks + 255) / 256 )) rounds of L for the relevance pass"
emit "(the last one partly empty), so $(fmt "$(( (hot_chunks + 255) / 256 )) * 0.2 + 0.2" .1f) s ($(fmt "($(( (hot_chunks + 255) / 256 )) * 0.2 + 0.2) / $hot_minimum" .3f)×) is the floor."
emit
emit "*Running pipeline* is how longforge is deployed: \`longforge broker --partitions 16\`"
emit "and one \`longforge worker STAGE --llm-url … --llm-concurrency 256\` process per stage,"
emit "already warm (one earlier document answered), and the submitter \`longforge ingest"
emit "--stdin-format jsonl -\` reading a FIFO; the time runs from writing the document's"
emit "JSONL line into the FIFO until its record is in the sink's output file (median of"
emit "${#hot_wall[@]} documents, each a distinct copy of the book)."
emit "*Whole \`longforge run\`* is one process from its start to its exit: embedded Kafka"
emit "start and stop, 256 new connections to the LLM and every stage's start-up included."
emit
emit "| measured | relevance calls | wall (median) | wall ÷ minimum | walls of the runs | command |"
emit "| --- | ---: | ---: | ---: | --- | --- |"
emit "| running pipeline | $hot_chunks | $(fmt "$(median "${hot_wall[@]}")" .3f) s | **$(fmt "$(median "${hot_ratio[@]}")" .3f)** | $(for x in "${hot_wall[@]}"; do printf '%.3f ' "$x"; done | sed 's/ $//') s | \`longforge ingest --brokers B -X topic.metadata.refresh.interval.ms=100 --stdin-format jsonl - <FIFO\` |"
emit "| whole \`longforge run\` | $chunks | $(fmt "$(median "${one_wall[@]}")" .3f) s | $(fmt "$(median "${one_ratio[@]}")" .3f) | $(for x in "${one_wall[@]}"; do printf '%.3f ' "$x"; done | sed 's/ $//') s | $(show_run one.jsonl --llm-concurrency 256) |"
emit
emit "Where the time goes (medians, seconds, clocked by the simulator; running pipeline"
emit "first, whole run second): the first relevance call came $(fmt "$(median "${hot_first[@]}")" .3f) s after the simulator's"
emit "counters were reset, just before the document was submitted; relevance calls spread over $(fmt "$(median "${hot_window[@]}")" .3f) / $(fmt "$(median "${one_window[@]}")" .3f) s"
emit "(the LLM-bound $(fmt "$hot_chunks / 1280" .3f) s, floor $(fmt "$(( (hot_chunks + 255) / 256 )) * 0.2" .1f) s); last relevance reply to the end of the task's"
emit "last LLM call $(fmt "$(median "${hot_after[@]}")" .3f) / $(fmt "$(median "${one_after[@]}")" .3f) s (one call of L = 0.2 s). The whole run's first"
emit "relevance call came $(fmt "$(median "${one_first[@]}")" .2f) s after the simulator started (just before longforge);"
emit "the rest of its wall time is ingest, chunking, the hops between stages, the sink's"
emit "write of the 3.3 MB record, and start-up and shut-down. Calls per stage: $one_stages."
emit
emit "### 4. Prompt tokens per question (aim ≤ 0.2 at 8)"
emit
emit "War and Peace with 8 questions at L = 0, counted by the simulator (one run each: the"
emit "counts are deterministic). *All stages* adds the answer (and any keywords) calls."
emit
emit "| questions per call | LLM calls | relevance prompt tokens per question | ratio to 1 | all stages per question | ratio to 1 | command |"
emit "| ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for qpc in 1 4 8; do
  emit "| $qpc | ${tok_calls[$qpc]} | $((tok_relevance[$qpc] / 8)) | **$(fmt "$(calc "${tok_relevance[$qpc]} / ${tok_relevance[1]}")" .3f)** | $((tok_total[$qpc] / 8)) | $(fmt "$(calc "${tok_total[$qpc]} / ${tok_total[1]}")" .3f) | $(show_run tokens.jsonl --llm-concurrency 64 --questions-per-call "$qpc") |"
done
emit
emit "### 5. BM25: longforge vs Xapian (aim ≥ 10× faster, overlap ≥ 0.7)"
emit
emit "War and Peace's $(jq .chunks <<<"$lfj") retrieval chunks (\`ChunkText\`, estimator, ≤ 300 tokens; terms by"
emit "\`Analyzer\`, vocabulary $(jq .vocabulary <<<"$lfj")), 50 queries of 16 terms. Both sides index the same exported"
emit "terms and run the same queries (top 10); analysis is timed separately. Xapian"
emit "$(jq -r .xapian <<<"$xj") in memory via python3-xapian, BM25Weight(k1 1.5, k2 0, k3 1e9, b 0.75, min_normlen 0)."
emit "Commands: \`bench/bm25_compare --book en_war_and_peace_pg2600.txt --out-dir DIR --repetitions 5\`,"
emit "then \`/usr/bin/python3 bench/bm25_xapian.py DIR --repetitions $runs\` (medians of their repetitions)."
emit
lf_total="$(calc "$(jq .index_s <<<"$lfj") + $(jq .query_s <<<"$lfj")")"
x_total="$(calc "$(jq .index_s <<<"$xj") + $(jq .query_s <<<"$xj")")"
emit "| engine | index | 50 queries | index + queries | speed-up |"
emit "| --- | ---: | ---: | ---: | ---: |"
emit "| longforge Bm25Index | $(fmt "$(jq .index_s <<<"$lfj") * 1000" .1f) ms | $(fmt "$(jq .query_s <<<"$lfj") * 1000" .2f) ms | $(fmt "$lf_total * 1000" .1f) ms | **$(fmt "$x_total / $lf_total" .0f)×** |"
emit "| Xapian (Python-driven) | $(fmt "$(jq .index_s <<<"$xj") * 1000" .0f) ms | $(fmt "$(jq .query_s <<<"$xj") * 1000" .1f) ms | $(fmt "$x_total * 1000" .0f) ms | 1× |"
emit "| longforge analysis (ICU words, fold, stem), not in the above | $(fmt "$(jq .analyze_s <<<"$lfj") * 1000" .0f) ms | | | |"
emit
emit "Top-10 overlap with Xapian: mean **$(fmt "$(jq .top10_overlap_mean <<<"$xj")" .3f)**, worst query $(fmt "$(jq .top10_overlap_min <<<"$xj")" .1f); same top hit in $(fmt "$(jq .top1_agree <<<"$xj") * 100" .0f)% of queries."
emit
emit "### 6. Memory of the answer worker (aim ≤ 4 × documents + 64 MB)"
emit
emit "Separate processes on \`longforge broker --partitions 16\`: chunker, questioner,"
emit "relevance, answer, filter, sink (\`longforge worker STAGE --llm-url … --llm-concurrency 256\`),"
emit "the simulator at C = 256, L = 0; \`longforge ingest\` of 16 distinct copies of War and"
emit "Peace with one question each, so the answer worker gathers 16 tasks (${mem_relevance} relevance"
emit "results) at once. VmHWM of the answer process from /proc/PID/status once the sink has"
emit "written all 16 records ($mem_wall s after ingest began). One run."
emit
mem_mb="$(calc "$mem_bytes / 1e6")"
aim_mb="$(calc "4 * $mem_bytes / 1e6 + 64")"
emit "| documents | their bytes | answer worker peak RSS | aim | peak ÷ documents |"
emit "| ---: | ---: | ---: | ---: | ---: |"
emit "| 16 | $(fmt "$mem_mb" .1f) MB | **$(fmt "$mem_hwm_kb / 1000" .1f) MB** | ≤ $(fmt "$aim_mb" .1f) MB | $(fmt "$mem_hwm_kb * 1000 / $mem_bytes" .2f)× |"
emit
emit "### 7. Broker path: ingest → chunker"
emit
emit "\`longforge broker --partitions 16\`, one \`longforge worker chunker\` (already joined, warmed"
emit "with one document), then \`longforge ingest DIR\`; timed from the start of ingest until"
emit "the chunker's \`longforge_messages_produced_total{topic=\"lf.chunked\"}\` counts every"
emit "document (kcat read $kcat_count messages from lf.chunked at the end, the warm-up included). Store on $(df -T "$work" | awk 'NR==2 {print $2}')."
emit
emit "| corpus | documents | bytes | documents/s | MB/s |"
emit "| --- | ---: | ---: | ---: | ---: |"
emit "| large: the four books × 4 copies | ${bp_docs[large]} | $(fmt "${bp_bytes[large]} / 1e6" .1f) MB | $(fmt "${bp_dps[large]}" .1f) | **$(fmt "${bp_mbps[large]}" .1f)** |"
emit "| small: the books cut into ~4 KB documents | ${bp_docs[small]} | $(fmt "${bp_bytes[small]} / 1e6" .1f) MB | **$(fmt "${bp_dps[small]}" .0f)** | $(fmt "${bp_mbps[small]}" .1f) |"

# --- write -------------------------------------------------------------------------------
if [[ "$results" == "-" ]]; then
  printf '%s' "$section"
  exit 0
fi
write_section "$results" bench/run.sh
log "wrote $results"
