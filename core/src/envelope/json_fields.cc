#include "json_fields.h"

namespace longforge::envelope {

void to_json(json& j, const SuppliedQuestion& m) {
  j = {{"question", m.question}};
  if (m.answer) j["answer"] = *m.answer;
}
void from_json(const json& j, SuppliedQuestion& m) {
  Required(j, "question", m.question);
  if (j.contains("answer") && !j["answer"].is_null()) m.answer = j["answer"].get<std::string>();
}

void to_json(json& j, const ChunkRef& m) {
  j = {{"index", m.index}, {"begin", m.begin}, {"end", m.end}, {"tokens", m.tokens}};
}
void from_json(const json& j, ChunkRef& m) {
  Required(j, "index", m.index);
  Required(j, "begin", m.begin);
  Required(j, "end", m.end);
  Optional(j, "tokens", m.tokens);
}

void to_json(json& j, const MemoryItem& m) { j = {{"question", m.question}, {"answer", m.answer}}; }
void from_json(const json& j, MemoryItem& m) {
  Required(j, "question", m.question);
  Required(j, "answer", m.answer);
}

void to_json(json& j, const Task& m) {
  j = {{"task_id", m.task_id},   {"doc_id", m.doc_id},
       {"question", m.question}, {"origin", ToString(m.origin)},
       {"type", m.type},         {"source_chunks", m.source_chunks},
       {"level", m.level},       {"memory", m.memory}};
  if (m.reference) j["reference"] = *m.reference;
  if (!m.parent_task_id.empty()) j["parent_task_id"] = m.parent_task_id;
  if (!m.root_question.empty()) j["root_question"] = m.root_question;
  if (!m.language.empty()) j["language"] = m.language;
  if (!m.chunks_ref.empty()) j["chunks_ref"] = m.chunks_ref;
  if (m.spent.calls > 0) j["spent"] = m.spent;
  if (m.scope != Scope::kLocal) j["scope"] = ToString(m.scope);
  if (!m.verifier.empty()) j["verifier"] = m.verifier;
  if (m.cascade) j["cascade"] = true;
  if (!m.escalations.empty()) j["escalations"] = m.escalations;
}
void from_json(const json& j, Task& m) {
  Required(j, "task_id", m.task_id);
  Required(j, "doc_id", m.doc_id);
  Required(j, "question", m.question);
  if (j.contains("reference") && !j["reference"].is_null()) {
    m.reference = j["reference"].get<std::string>();
  }
  OptionalEnum(j, "origin", m.origin, ParseOrigin);
  Optional(j, "type", m.type);
  Optional(j, "source_chunks", m.source_chunks);
  Optional(j, "level", m.level);
  Optional(j, "parent_task_id", m.parent_task_id);
  Optional(j, "root_question", m.root_question);
  Optional(j, "language", m.language);
  Optional(j, "chunks_ref", m.chunks_ref);
  Optional(j, "spent", m.spent);
  Optional(j, "memory", m.memory);
  OptionalEnum(j, "scope", m.scope, ParseScope);
  Optional(j, "verifier", m.verifier);
  Optional(j, "cascade", m.cascade);
  Optional(j, "escalations", m.escalations);
}

void to_json(json& j, const LlmUsage& m) {
  j = {{"calls", m.calls},
       {"prompt_tokens", m.prompt_tokens},
       {"completion_tokens", m.completion_tokens},
       {"cache_hits", m.cache_hits}};
}
void from_json(const json& j, LlmUsage& m) {
  Optional(j, "calls", m.calls);
  Optional(j, "prompt_tokens", m.prompt_tokens);
  Optional(j, "completion_tokens", m.completion_tokens);
  Optional(j, "cache_hits", m.cache_hits);
}

void to_json(json& j, const EvidenceSpan& m) {
  j = {{"begin", m.begin}, {"end", m.end}};
  if (!m.chapter.empty()) j["chapter"] = m.chapter;
}
void from_json(const json& j, EvidenceSpan& m) {
  Required(j, "begin", m.begin);
  Required(j, "end", m.end);
  Optional(j, "chapter", m.chapter);
}

void to_json(json& j, const AnswerRecord& m) {
  j = {{"task", m.task},
       {"answer", m.answer},
       {"evidence", m.evidence},
       {"quotes", m.quotes},
       {"chunks_total", m.chunks_total},
       {"chunks_relevant", m.chunks_relevant},
       {"chunks_lost", m.chunks_lost},
       {"chunks_failed", m.chunks_failed},
       {"chunks_malformed", m.chunks_malformed},
       {"backend", m.backend},
       {"llm", m.usage}};
  if (m.task.scope == Scope::kGlobal) {
    j["notes"] = m.notes;
    j["reduce_depth"] = m.reduce_depth;
  }
}
void from_json(const json& j, AnswerRecord& m) {
  Required(j, "task", m.task);
  Required(j, "answer", m.answer);
  Optional(j, "evidence", m.evidence);
  Optional(j, "quotes", m.quotes);
  Optional(j, "chunks_total", m.chunks_total);
  Optional(j, "chunks_relevant", m.chunks_relevant);
  Optional(j, "chunks_lost", m.chunks_lost);
  Optional(j, "chunks_failed", m.chunks_failed);
  Optional(j, "chunks_malformed", m.chunks_malformed);
  Optional(j, "backend", m.backend);
  Optional(j, "llm", m.usage);
  Optional(j, "notes", m.notes);
  Optional(j, "reduce_depth", m.reduce_depth);
}

}  // namespace longforge::envelope
