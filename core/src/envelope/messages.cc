#include "longforge/envelope/messages.h"

#include "json_fields.h"
#include "longforge/common/hash.h"
#include "longforge/common/utf8.h"

namespace longforge::envelope {
namespace {

// Parses `bytes` as an object whose schema is one of `schemas`, then runs `read`.
// nlohmann reports a missing or mistyped field by exception; this is the one place
// they are turned into values.
template <typename T, typename Read>
Result<T> Decode(std::string_view bytes, std::initializer_list<std::string_view> schemas,
                 Read read) {
  const json j = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  const std::string expected(*schemas.begin());
  if (j.is_discarded()) return Error::DeadLetter(expected + ": not valid JSON");
  if (!j.is_object()) return Error::DeadLetter(expected + ": not a JSON object");
  const auto it = j.find("schema");
  if (it == j.end() || !it->is_string()) {
    return Error::DeadLetter(expected + ": missing \"schema\" field");
  }
  const auto schema = it->get<std::string>();
  bool known = false;
  for (auto s : schemas) known = known || schema == s;
  if (!known) {
    return Error::DeadLetter("expected schema " + expected + ", got \"" + schema + "\"");
  }
  try {
    T out;
    read(j, out);
    return out;
  } catch (const FieldError& e) {
    return Error::DeadLetter(schema + ": " + e.what());
  } catch (const json::exception& e) {
    return Error::DeadLetter(schema + ": " + e.what());
  }
}

std::string Dump(const json& j) {
  // Replace rather than throw on invalid UTF-8 that slipped into a string field.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string Encode(const DocumentEvent& m) {
  json j = {{"schema", "lf.documents/v1"},
            {"doc_id", m.doc_id},
            {"title", m.title},
            {"source", m.source},
            {"bytes", m.bytes},
            {"questions", m.questions},
            {"submitted_at", m.submitted_at}};
  if (m.text) j["text"] = *m.text;
  return Dump(j);
}

Result<DocumentEvent> DecodeDocumentEvent(std::string_view bytes) {
  auto r = Decode<DocumentEvent>(bytes, {"lf.documents/v1"}, [](const json& j, DocumentEvent& m) {
    Optional(j, "doc_id", m.doc_id);
    Optional(j, "title", m.title);
    Optional(j, "source", m.source);
    Optional(j, "bytes", m.bytes);
    if (j.contains("text") && !j["text"].is_null()) {
      std::string text;
      Required(j, "text", text);  // a mistyped one is named, like any other field
      m.text = std::move(text);
    }
    Optional(j, "questions", m.questions);
    Optional(j, "submitted_at", m.submitted_at);
  });
  if (r.ok() && r->doc_id.empty() && !r->text) {
    return Error::DeadLetter("lf.documents/v1: needs \"doc_id\" (stored text) or \"text\"");
  }
  return r;
}

namespace {

json ChunkedFields(const ChunkedEvent& m, const char* schema) {
  return {{"schema", schema},
          {"doc_id", m.doc_id},
          {"title", m.title},
          {"bytes", m.bytes},
          {"tokens", m.tokens},
          {"tokenizer", m.tokenizer},
          {"chunk_count", m.chunk_count},
          {"chunks_ref", m.chunks_ref},
          {"questions", m.questions}};
}

void ReadChunkedFields(const json& j, ChunkedEvent& m) {
  Required(j, "doc_id", m.doc_id);
  Optional(j, "title", m.title);
  Optional(j, "bytes", m.bytes);
  Optional(j, "tokens", m.tokens);
  Optional(j, "tokenizer", m.tokenizer);
  Required(j, "chunk_count", m.chunk_count);
  Required(j, "chunks_ref", m.chunks_ref);
  Optional(j, "questions", m.questions);
}

}  // namespace

std::string Encode(const ChunkedEvent& m) { return Dump(ChunkedFields(m, "lf.chunked/v1")); }

std::string Encode(const MappedEvent& m) {
  json j = ChunkedFields(m.doc, "lf.mapped/v1");
  j["map_ref"] = m.map_ref;
  j["mapper"] = m.mapper;
  return Dump(j);
}

Result<ChunkedEvent> DecodeChunkedEvent(std::string_view bytes) {
  return Decode<ChunkedEvent>(bytes, {"lf.chunked/v1"}, ReadChunkedFields);
}

Result<MappedEvent> DecodeMappedEvent(std::string_view bytes) {
  return Decode<MappedEvent>(bytes, {"lf.mapped/v1", "lf.chunked/v1"},
                             [](const json& j, MappedEvent& m) {
                               ReadChunkedFields(j, m.doc);
                               if (j.at("schema") == "lf.mapped/v1") {
                                 Required(j, "map_ref", m.map_ref);
                                 Required(j, "mapper", m.mapper);
                               } else {
                                 m.mapper = "none";
                               }
                             });
}

std::string Encode(const TaskLedger& m) {
  return Dump({{"schema", "lf.tasks/v1"},
               {"doc_id", m.doc_id},
               {"task_ids", m.task_ids},
               {"notes", m.notes}});
}

Result<TaskLedger> DecodeTaskLedger(std::string_view bytes) {
  return Decode<TaskLedger>(bytes, {"lf.tasks/v1"}, [](const json& j, TaskLedger& m) {
    Required(j, "doc_id", m.doc_id);
    Required(j, "task_ids", m.task_ids);
    Optional(j, "notes", m.notes);
  });
}

std::string Encode(const RelevanceRequest& m) {
  json j = {{"schema", "lf.relevance.requests/v1"},
            {"tasks", m.tasks},
            {"chunk", m.chunk},
            {"chunk_count", m.chunk_count}};
  if (m.release) j["release"] = {{"id", m.release->id}, {"seq", m.release->seq}};
  return Dump(j);
}

Result<RelevanceRequest> DecodeRelevanceRequest(std::string_view bytes) {
  auto r = Decode<RelevanceRequest>(bytes, {"lf.relevance.requests/v1"},
                                    [](const json& j, RelevanceRequest& m) {
                                      Required(j, "tasks", m.tasks);
                                      Required(j, "chunk", m.chunk);
                                      Required(j, "chunk_count", m.chunk_count);
                                      if (j.contains("release")) {
                                        Release release;
                                        Required(j.at("release"), "id", release.id);
                                        Required(j.at("release"), "seq", release.seq);
                                        m.release = std::move(release);
                                      }
                                    });
  if (r.ok() && r->tasks.empty()) {
    return Error::DeadLetter("lf.relevance.requests/v1: \"tasks\" is empty");
  }
  return r;
}

std::string Encode(const RelevanceCredit& m) {
  return Dump({{"schema", "lf.relevance.credits/v1"},
               {"doc_id", m.doc_id},
               {"release", {{"id", m.release.id}, {"seq", m.release.seq}}}});
}

Result<RelevanceCredit> DecodeRelevanceCredit(std::string_view bytes) {
  return Decode<RelevanceCredit>(bytes, {"lf.relevance.credits/v1"},
                                 [](const json& j, RelevanceCredit& m) {
                                   Required(j, "doc_id", m.doc_id);
                                   Required(j.at("release"), "id", m.release.id);
                                   Required(j.at("release"), "seq", m.release.seq);
                                 });
}

std::string Encode(const SubQuestion& m) {
  return Dump({{"schema", "lf.subquestions/v1"}, {"task", m.task}});
}

Result<SubQuestion> DecodeSubQuestion(std::string_view bytes) {
  auto r = Decode<SubQuestion>(bytes, {"lf.subquestions/v1"},
                               [](const json& j, SubQuestion& m) { Required(j, "task", m.task); });
  if (r.ok() && (r->task.doc_id.empty() || r->task.chunks_ref.empty())) {
    return Error::DeadLetter("lf.subquestions/v1: the task needs \"doc_id\" and \"chunks_ref\"");
  }
  return r;
}

std::string Encode(const RelevanceResult& m) {
  json j = {{"schema", "lf.relevance.results/v1"},
            {"task", m.task},
            {"chunk", m.chunk},
            {"chunk_count", m.chunk_count},
            {"verdict", ToString(m.verdict)},
            {"quotes", m.quotes},
            {"dropped_quotes", m.dropped_quotes},
            {"backend", m.backend},
            {"llm", m.usage}};
  if (!m.error.empty()) j["error"] = m.error;
  if (m.repaired_quotes > 0) j["repaired_quotes"] = m.repaired_quotes;
  return Dump(j);
}

Result<RelevanceResult> DecodeRelevanceResult(std::string_view bytes) {
  return Decode<RelevanceResult>(bytes, {"lf.relevance.results/v1"},
                                 [](const json& j, RelevanceResult& m) {
                                   Required(j, "task", m.task);
                                   Required(j, "chunk", m.chunk);
                                   Required(j, "chunk_count", m.chunk_count);
                                   RequiredEnum(j, "verdict", m.verdict, ParseRelevanceVerdict);
                                   Optional(j, "quotes", m.quotes);
                                   Optional(j, "dropped_quotes", m.dropped_quotes);
                                   Optional(j, "repaired_quotes", m.repaired_quotes);
                                   Optional(j, "backend", m.backend);
                                   Optional(j, "error", m.error);
                                   Optional(j, "llm", m.usage);
                                 });
}

uint32_t CapQuotes(std::vector<std::string>& quotes, std::size_t max_bytes) {
  std::size_t used = 0, kept = 0;
  for (; kept < quotes.size(); ++kept) {
    if (used + quotes[kept].size() > max_bytes) break;
    used += quotes[kept].size();
  }
  if (kept == quotes.size()) return 0;
  uint32_t cut = static_cast<uint32_t>(quotes.size() - kept);
  if (kept == 0) {  // one quote longer than the whole allowance: keep its start
    quotes[0].resize(CodePointPrefix(quotes[0], max_bytes));
    kept = 1;
  }
  quotes.resize(kept);
  return cut;
}

std::string Encode(const AnswerRecord& m) {
  json j = m;
  j["schema"] = "lf.answers/v1";
  return Dump(j);
}

Result<AnswerRecord> DecodeAnswerRecord(std::string_view bytes) {
  return Decode<AnswerRecord>(bytes, {"lf.answers/v1"},
                              [](const json& j, AnswerRecord& m) { from_json(j, m); });
}

std::string Encode(const SampleRecord& m, std::string_view schema) {
  json j = m.record;
  j["schema"] = schema;
  j["sample_id"] = m.sample_id;
  j["verdict"] = {{"decision", ToString(m.verdict.decision)}, {"reasons", m.verdict.reasons}};
  if (m.verdict.note_support) j["verdict"]["note_support"] = *m.verdict.note_support;
  if (m.verdict.closed_book_answer) {
    j["verdict"]["closed_book_answer"] = *m.verdict.closed_book_answer;
  }
  if (const auto& c = m.verdict.contamination) {
    j["verdict"]["contamination"] = {
        {"source", c->source}, {"item", c->item}, {"method", c->method}};
  }
  return Dump(j);
}

Result<SampleRecord> DecodeSampleRecord(std::string_view bytes) {
  return Decode<SampleRecord>(
      bytes, {"lf.dataset/v1", "lf.rejected/v1"}, [](const json& j, SampleRecord& m) {
        from_json(j, m.record);
        Required(j, "sample_id", m.sample_id);
        const auto& v = j.at("verdict");
        RequiredEnum(v, "decision", m.verdict.decision, ParseDecision);
        Optional(v, "reasons", m.verdict.reasons);
        if (v.contains("note_support")) {
          m.verdict.note_support = v.at("note_support").get<double>();
        }
        if (v.contains("closed_book_answer")) {
          m.verdict.closed_book_answer = v.at("closed_book_answer").get<std::string>();
        }
        if (v.contains("contamination")) {
          const auto& c = v.at("contamination");
          Contamination& out = m.verdict.contamination.emplace();
          Required(c, "source", out.source);
          Required(c, "item", out.item);
          Required(c, "method", out.method);
        }
      });
}

std::string SampleIdOf(const std::string& task_id) { return Hash128Hex(task_id + "/sample/v1"); }

const char* Difficulty(const Task& task) {
  if (task.level >= 3 || task.scope == Scope::kGlobal) return "hard";
  return task.level <= 1 ? "easy" : "medium";
}

}  // namespace longforge::envelope
