#pragma once
// Typed messages of every lf.* topic. On the wire each is a JSON object whose
// `schema` field names topic and version ("lf.documents/v1"); schemas/<topic>/
// v1.schema.json is the contract. Decoding never throws: a message that does not
// fit comes back as a kDeadLetter Error naming the field.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/envelope/decisions.h"

namespace longforge::envelope {

struct SuppliedQuestion {
  std::string question;
  std::optional<std::string> answer;  // reference answer, when the submitter has one
};

// lf.documents/v1 — "document submitted". Text lives in the document store unless
// it is small enough to ride inline (kcat users); then doc_id may be empty.
struct DocumentEvent {
  std::string doc_id;
  std::string title;
  std::string source;  // where it came from: a path, "path:line", "stdin", "kafka"
  uint64_t bytes = 0;  // size of the text in bytes
  std::optional<std::string> text;
  std::vector<SuppliedQuestion> questions;
  std::string submitted_at;
};

struct ChunkRef {
  uint32_t index = 0;
  uint64_t begin = 0;  // byte offsets into the stored text, end exclusive
  uint64_t end = 0;
  uint32_t tokens = 0;
};

// lf.chunked/v1 — reading chunks of a stored document. The chunk table is a
// sidecar file in the store (claim check): a 16M-token book has 16k chunks.
struct ChunkedEvent {
  std::string doc_id;
  std::string title;
  uint64_t bytes = 0;
  uint64_t tokens = 0;
  std::string tokenizer;  // TokenCounter::Name() used for the counts
  uint32_t chunk_count = 0;
  std::string chunks_ref;  // store key of the chunk table
  std::vector<SuppliedQuestion> questions;
};

// lf.mapped/v1 — a chunked document with its map (envelope::DocumentMap, a sidecar in the
// store): what the questioner reads. Written by the mapper.
struct MappedEvent {
  ChunkedEvent doc;
  std::string map_ref;  // store key of the document map; empty: no map
  std::string mapper;   // who wrote the cards; "none" when the document was not mapped
};

struct LlmUsage {
  uint32_t calls = 0;
  uint64_t prompt_tokens = 0;
  uint64_t completion_tokens = 0;
  uint32_t cache_hits = 0;
};

struct MemoryItem {  // Lv3: a sub-question and its answer
  std::string question;
  std::string answer;
};

// A question asked of a whole document: what travels with every fan-out message.
struct Task {
  std::string task_id;  // deterministic: hash of doc id + normalised question
  std::string doc_id;
  std::string question;
  std::optional<std::string> reference;  // reference answer, when known
  Origin origin = Origin::kSupplied;
  std::string type = "supplied";        // question type (fact, number, multi-hop, …)
  std::string language;                 // of the question (ISO 639, CLD2); empty: unknown
  std::vector<uint32_t> source_chunks;  // chunks a generated question was written from
  int level = 2;                        // agent level 1..3
  Scope scope = Scope::kLocal;          // global: answered by reducing every note in order
  // A reference computed exactly from the text is checked by rule, not by overlap:
  // "order" (timeline letters), "number" (a count), "exact" (a chapter); empty: none.
  std::string verifier;
  // --level auto: when the filter finds the answer wrong, the task is asked again one
  // level up (1 → 2, then 2 → 3 for a multi-hop question) instead of being rejected.
  bool cascade = false;
  // Why earlier levels failed, one line each: "level 1: reference_mismatch".
  std::vector<std::string> escalations;
  std::string parent_task_id;      // Lv3 sub-question: the task it serves
  std::string root_question;       // Lv3 sub-question: the question it serves
  std::vector<MemoryItem> memory;  // Lv3 memory carried in the message
  std::string chunks_ref;          // the document's chunk table (Lv3 fans out again)
  LlmUsage spent;                  // Lv3: LLM usage of the hops before this one
};

// How hard a task was for the agent, by the level that answered it: "easy" (level 1:
// keyword retrieval, no chunk read), "medium" (level 2), "hard" (level 3, or global
// reading of the whole document).
const char* Difficulty(const Task& task);

// lf.tasks/v1 — the questioner's ledger: which tasks a document has. Observers
// (run, tests, dashboards) count every task to its end so a loss cannot hide.
struct TaskLedger {
  std::string doc_id;
  std::vector<std::string> task_ids;
  std::vector<std::string> notes;  // e.g. "3 duplicate questions dropped"
};

// Which credit-based fan-out released a relevance request (the questioner's
// FanOutGate): the release's token, unique per document fan-out and questioner
// incarnation, and the request's place in it.
struct Release {
  std::string id;
  uint64_t seq = 0;
};

// lf.relevance.requests/v1 — one chunk, one or more tasks (questions per call).
struct RelevanceRequest {
  std::vector<Task> tasks;
  ChunkRef chunk;
  uint32_t chunk_count = 0;
  std::optional<Release> release = std::nullopt;  // absent: not released by a gate, no credit owed
};

// lf.subquestions/v1 — an Lv3 sub-question to be read over every chunk of its
// document; written by the answer stage, keyed by doc id, fanned out by the
// questioner's gate like a document's questions.
struct SubQuestion {
  Task task;  // the sub-question, with parent_task_id, memory and chunks_ref
};

// lf.relevance.credits/v1 — the relevance stage finished a released request (its
// results, or its failure, are out); keyed by doc id so that it reaches the questioner
// holding the document's fan-out. Returns the request's bytes to the gate.
struct RelevanceCredit {
  std::string doc_id;
  Release release;
};

// lf.relevance.results/v1 — one per (task, chunk); keyed by task id.
struct RelevanceResult {
  Task task;
  ChunkRef chunk;
  uint32_t chunk_count = 0;
  RelevanceVerdict verdict = RelevanceVerdict::kUnjudged;
  std::vector<std::string> quotes;
  uint32_t dropped_quotes = 0;   // quotes not found in the chunk (grounding guard)
  uint32_t repaired_quotes = 0;  // quotes kept by aligning them with the chunk (not verbatim)
  std::string backend;
  std::string error;  // for verdict=failed
  LlmUsage usage;
};

struct EvidenceSpan {
  uint64_t begin = 0;
  uint64_t end = 0;
  std::string chapter = {};  // "BOOK ONE: 1805 / CHAPTER I"; empty without a heading before it
};

// lf.answers/v1 — the agent's answer to a task.
struct AnswerRecord {
  Task task;
  std::string answer;
  std::vector<EvidenceSpan> evidence;
  std::vector<std::string> quotes;
  uint32_t chunks_total = 0;
  uint32_t chunks_relevant = 0;
  // Chunks the task did not read, by why (a record with any is incomplete):
  uint32_t chunks_lost = 0;       // no verdict arrived before the gather deadline
  uint32_t chunks_failed = 0;     // the relevance call failed after every retry
  uint32_t chunks_malformed = 0;  // the model's reply could not be read
  std::string backend;
  LlmUsage usage;
  // Global reading (task.scope global): the notes (relevance quotes) reduced to the answer,
  // and how many rounds of reduce calls that took (0: they fitted the answer call at once).
  uint32_t notes = 0;
  uint32_t reduce_depth = 0;

  uint32_t chunks_unread() const { return chunks_lost + chunks_failed + chunks_malformed; }
};

// A question rejected by the questioner (reason "contaminated") because it is too close
// to a benchmark question of --decontaminate.
struct Contamination {
  std::string source;  // the benchmark item: "file:line"
  std::string item;    // its text
  std::string method;  // how it matched: "ngram", "whole" or "minhash"
};

struct Verdict {
  Decision decision = Decision::kReject;  // nothing is accepted unless decided so
  std::vector<std::string> reasons;
  // A global answer checked against its notes: the share of its sentences a note
  // supports (filter: NoteSupport); absent when not measured.
  std::optional<double> note_support = std::nullopt;
  // What the model answered with no document (the filter's closed-book check); absent
  // when the check did not run.
  std::optional<std::string> closed_book_answer = std::nullopt;
  std::optional<Contamination> contamination = std::nullopt;  // reason "contaminated" only
};

// lf.dataset/v1 (accepted) and lf.rejected/v1 (rejected or review). Written by the
// filter, and by the questioner for a question it rejects before answering it.
struct SampleRecord {
  std::string sample_id;  // deterministic: task id + stage
  AnswerRecord record;
  Verdict verdict;
};

// Deterministic sample id of a task's record.
std::string SampleIdOf(const std::string& task_id);

// Quotes are bounded so that no record can outgrow a Kafka message (message.max.bytes is
// 1,000,000): a relevance result carries at most kMaxQuoteBytesPerChunk of quotes, an
// answer record at most kMaxQuoteBytesPerTask (a 1M-token book may be relevant in
// hundreds of chunks). The chunks stay in the record's evidence spans either way.
inline constexpr std::size_t kMaxQuoteBytesPerChunk = 16 * 1024;
inline constexpr std::size_t kMaxQuoteBytesPerTask = 256 * 1024;
// Keeps the leading quotes whose bytes sum to at most `max_bytes` (a first quote longer
// than that is cut at a character boundary); returns how many were dropped or cut.
uint32_t CapQuotes(std::vector<std::string>& quotes, std::size_t max_bytes);

std::string Encode(const DocumentEvent& m);
std::string Encode(const ChunkedEvent& m);
std::string Encode(const MappedEvent& m);
std::string Encode(const TaskLedger& m);
std::string Encode(const RelevanceRequest& m);
std::string Encode(const RelevanceCredit& m);
std::string Encode(const SubQuestion& m);
std::string Encode(const RelevanceResult& m);
std::string Encode(const AnswerRecord& m);
// `schema` is "lf.dataset/v1" or "lf.rejected/v1".
std::string Encode(const SampleRecord& m, std::string_view schema);

Result<DocumentEvent> DecodeDocumentEvent(std::string_view bytes);
Result<ChunkedEvent> DecodeChunkedEvent(std::string_view bytes);
// lf.mapped/v1, or an lf.chunked/v1 message (a document without a map: map_ref empty).
Result<MappedEvent> DecodeMappedEvent(std::string_view bytes);
Result<TaskLedger> DecodeTaskLedger(std::string_view bytes);
Result<RelevanceRequest> DecodeRelevanceRequest(std::string_view bytes);
Result<RelevanceCredit> DecodeRelevanceCredit(std::string_view bytes);
Result<SubQuestion> DecodeSubQuestion(std::string_view bytes);
Result<RelevanceResult> DecodeRelevanceResult(std::string_view bytes);
Result<AnswerRecord> DecodeAnswerRecord(std::string_view bytes);
// Accepts lf.dataset/v1 and lf.rejected/v1.
Result<SampleRecord> DecodeSampleRecord(std::string_view bytes);

}  // namespace longforge::envelope
