#!/usr/bin/env bash
# `longforge review` over a large synthetic dataset directory: how long the server takes
# to index it and print its URL, and how much memory it holds, at start and after paging
# through the list, filtering, searching and opening samples (bench/RESULTS.md, "Review").
#
#   bench/review.sh [SAMPLES] [LONG_LINES]     defaults: 100000 samples, 40 long lines
#
# The directory is written as the sink writes it (messages format): 70% of SAMPLES in
# dataset.jsonl with evidence context (two passages, ~1.5 KB), 25% rejected and 5% review
# in rejected.jsonl, and LONG_LINES full-context samples in dataset-long.jsonl (a length
# bucket), each carrying a whole 4 MB document from the store. Memory: VmRSS and VmHWM
# of the server from /proc.
set -euo pipefail
cd "$(dirname "$0")/.."
samples=${1:-100000}
long_lines=${2:-40}
lf=build/longforge
work=$(mktemp -d /tmp/lf-review-bench.XXXXXX)
pids=()
# shellcheck source=bench/lib.sh
source bench/lib.sh
trap cleanup EXIT

log "writing $samples samples and $long_lines full-context lines under $work"
/usr/bin/python3 - "$work" "$samples" "$long_lines" <<'PY'
import json, os, random, sys
work, samples, long_lines = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(17)
words = ("harbour tide vessel cargo copper ledger clerk north pier ferry island mill winter "
         "customs house green keeper lamp storm quay dawn catch boat sail rope anchor").split()
def sentence(n):
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."
store = os.path.join(work, "store")
docs = []
for d in range(10):  # 4 MB documents
    doc_id = "bench-doc-%02d" % d
    paragraph = " ".join(sentence(12) for _ in range(8))
    text = (paragraph + "\n\n") * (4_000_000 // (len(paragraph) + 2))
    path = os.path.join(store, doc_id[:2], doc_id + ".txt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    docs.append((doc_id, text))
types = ["fact", "number", "multi-hop", "timeline", "summary", "supplied"]
reasons = ["reference_mismatch", "no_evidence", "language_mismatch", "answer_too_short",
           "answerable_without_document", "incomplete_reading"]
def meta(i, decision, doc_id, text, spans):
    return {"backend": "bench", "chapters": ["CHAPTER %d" % (s[0] // 100000) for s in spans],
            "chunks_failed": 0, "chunks_lost": 0, "chunks_malformed": 0, "chunks_relevant": 3,
            "chunks_total": 1200, "closed_book_answer": None, "completion_tokens": 90,
            "decision": decision, "difficulty": rng.choice(["easy", "medium", "hard"]),
            "doc_id": doc_id, "escalations": [], "evidence": spans, "language": "en",
            "level": rng.choice([1, 2, 3]), "llm_calls": 40, "memory": [], "note_support": None,
            "notes": 0, "origin": "generated", "prompt_tokens": 30000,
            "question_type": rng.choice(types), "quotes": [text[s[0]:s[0] + 80] for s in spans],
            "reasons": [] if decision == "accept" else
                       (["judge_disagrees"] if decision == "review" else [rng.choice(reasons)]),
            "reduce_depth": 0, "reference": sentence(5), "sample_id": "sample-%07d" % i,
            "scope": rng.choice(["local", "global"]), "source_chunks": [1, 2],
            "task_id": "task-%07d" % i, "verifier": ""}
def dump(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
out = os.path.join(work, "out")
os.makedirs(out)
with open(os.path.join(out, "dataset.jsonl"), "w") as accepted, \
     open(os.path.join(out, "rejected.jsonl"), "w") as rejected:
    for i in range(samples):
        doc_id, text = docs[i % len(docs)]
        begin = rng.randrange(0, len(text) - 4000)
        spans = [[begin, begin + 700], [begin + 2000, begin + 2800]]
        question = "Question %d: %s" % (i, sentence(10))
        answer = sentence(rng.randrange(8, 40))
        roll = i % 20
        decision = "accept" if roll < 14 else ("review" if roll == 14 else "reject")
        m = meta(i, decision, doc_id, text, spans)
        if decision == "accept":
            context = text[spans[0][0]:spans[0][1]] + "\n\n" + text[spans[1][0]:spans[1][1]]
            accepted.write(dump({"messages": [{"role": "user", "content": context + "\n\n" + question},
                                              {"role": "assistant", "content": answer}], "meta": m}))
        else:
            rejected.write(dump({"question": question, "answer": answer, "meta": m}))
with open(os.path.join(out, "dataset-long.jsonl"), "w") as long_file:
    for j in range(long_lines):
        i = samples + j
        doc_id, text = docs[j % len(docs)]
        m = meta(i, "accept", doc_id, text, [[1000, 2000]])
        long_file.write(dump({"messages": [{"role": "user", "content": text + "\n\nQuestion %d?" % i},
                                           {"role": "assistant", "content": sentence(20)}], "meta": m}))
PY
du -sh "$work/out" "$work/store" | sed 's/^/  /' >&2

port=$(free_port)
started=$(date +%s.%N)
"$lf" review "$work/out" --store "$work/store" --port "$port" >"$work/review.out" 2>"$work/review.err" &
pid=$!
pids+=("$pid")
wait_for "grep -q '^open http' '$work/review.out'" 600
ready=$(date +%s.%N)
url="http://127.0.0.1:$port"
status() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$pid/status"; }
rss_start=$(status VmRSS)
hwm_start=$(status VmHWM)

timed() {  # timed NAME URL: the request's wall time in ms
  local t0 t1
  t0=$(date +%s%N)
  curl -sf -o /dev/null "$1"
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}
pages=0
for offset in $(seq 0 1000 99000); do
  timed "$url/api/samples?offset=$offset&limit=100" >/dev/null
  pages=$((pages + 1))
done
list_ms=$(timed "$url/api/samples?limit=100")
review_ms=$(timed "$url/api/samples?decision=review&type=fact&limit=100")
search_ms=$(timed "$url/api/samples?q=copper%20anchor%20storm&limit=100")
sample_ms=$(timed "$url/api/samples/sample-0000123")
long_ms=$(timed "$url/api/samples/sample-$(printf %07d "$samples")")
rss_end=$(status VmRSS)
hwm_end=$(status VmHWM)
stop "$pid"

cat <<REPORT
samples:        $((samples + long_lines)) ($(du -sh "$work/out" | cut -f1) on disk; documents $(du -sh "$work/store" | cut -f1))
start:          $(calc "round($ready - $started, 2)") s to index and print the URL
memory:         VmRSS $((rss_start / 1024)) MB at start, $((rss_end / 1024)) MB after $pages pages, filters, search and samples (peak VmHWM $((hwm_end / 1024)) MB; $((hwm_start / 1024)) MB by start)
one request:    list page ${list_ms} ms, decision+type filter ${review_ms} ms, search ${search_ms} ms, sample view ${sample_ms} ms, a full-context sample ${long_ms} ms
REPORT
