#include "review/final_dataset.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "review/sample_line.h"

namespace longforge::review {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

template <typename T>
T Get(const json& meta, const char* key, T fallback) {
  const auto it = meta.find(key);
  if (it == meta.end() || it->is_null()) return fallback;
  return it->get<T>();
}

// What the sink knew of the record's context beyond the sample (sample_format.h):
// rendering with it again keeps doc_bytes, evidence_position, a window and its bucket.
workers::ContextInfo ContextInfoFromMeta(const json& meta) {
  workers::ContextInfo info;
  info.doc_bytes = Get<uint64_t>(meta, "doc_bytes", 0);
  info.record_id = Get<std::string>(meta, "record_id", "");
  info.length_bucket = Get<std::string>(meta, "length_bucket", "");
  if (const auto it = meta.find("window"); it != meta.end() && it->is_object()) {
    const json& w = *it;
    info.window = workers::WindowPlacement{
        Get<uint64_t>(w, "begin", 0),         Get<uint64_t>(w, "end", 0),
        Get<uint64_t>(w, "tokens", 0),        Get<uint64_t>(w, "evidence_tokens", 0),
        Get<uint64_t>(w, "tokens_before", 0), Get<double>(w, "depth", 0),
        Get<double>(w, "evidence_depth", 0)};
  }
  return info;
}

// The record the sink rendered `meta` from (workers/sink/sample_format.cc, Meta): every
// field it writes, so that rendering it again gives the same line. Throws
// json::exception on a field of the wrong type.
envelope::SampleRecord SampleFromMeta(const json& meta, std::string question, std::string answer) {
  envelope::SampleRecord s;
  s.sample_id = Get<std::string>(meta, "sample_id", "");
  auto& r = s.record;
  auto& t = r.task;
  t.doc_id = Get<std::string>(meta, "doc_id", "");
  t.task_id = Get<std::string>(meta, "task_id", "");
  t.question = std::move(question);
  r.answer = std::move(answer);
  t.level = Get<int>(meta, "level", 2);
  t.escalations = Get<std::vector<std::string>>(meta, "escalations", {});
  t.scope = envelope::ParseScope(Get<std::string>(meta, "scope", "local")).value_or(t.scope);
  t.verifier = Get<std::string>(meta, "verifier", "");
  t.origin = envelope::ParseOrigin(Get<std::string>(meta, "origin", "supplied")).value_or(t.origin);
  t.type = Get<std::string>(meta, "question_type", "supplied");
  t.language = Get<std::string>(meta, "language", "");
  t.source_chunks = Get<std::vector<uint32_t>>(meta, "source_chunks", {});
  if (const auto it = meta.find("reference"); it != meta.end() && it->is_string()) {
    t.reference = it->get<std::string>();
  }
  const auto spans = Get<std::vector<std::array<uint64_t, 2>>>(meta, "evidence", {});
  const auto chapters = Get<std::vector<std::string>>(meta, "chapters", {});
  for (std::size_t i = 0; i < spans.size(); ++i) {
    r.evidence.push_back({spans[i][0], spans[i][1], i < chapters.size() ? chapters[i] : ""});
  }
  r.quotes = Get<std::vector<std::string>>(meta, "quotes", {});
  s.verdict.decision = envelope::Decision::kAccept;
  s.verdict.reasons = Get<std::vector<std::string>>(meta, "reasons", {});
  if (const auto it = meta.find("note_support"); it != meta.end() && it->is_number()) {
    s.verdict.note_support = it->get<double>();
  }
  if (const auto it = meta.find("closed_book_answer"); it != meta.end() && it->is_string()) {
    s.verdict.closed_book_answer = it->get<std::string>();
  }
  if (const auto it = meta.find("contamination"); it != meta.end() && it->is_object()) {
    s.verdict.contamination = envelope::Contamination{Get<std::string>(*it, "source", ""),
                                                      Get<std::string>(*it, "item", ""),
                                                      Get<std::string>(*it, "method", "")};
  }
  r.chunks_total = Get<uint32_t>(meta, "chunks_total", 0);
  r.chunks_relevant = Get<uint32_t>(meta, "chunks_relevant", 0);
  r.chunks_lost = Get<uint32_t>(meta, "chunks_lost", 0);
  r.chunks_failed = Get<uint32_t>(meta, "chunks_failed", 0);
  r.chunks_malformed = Get<uint32_t>(meta, "chunks_malformed", 0);
  r.notes = Get<uint32_t>(meta, "notes", 0);
  r.reduce_depth = Get<uint32_t>(meta, "reduce_depth", 0);
  r.usage.calls = Get<uint32_t>(meta, "llm_calls", 0);
  r.usage.prompt_tokens = Get<uint64_t>(meta, "prompt_tokens", 0);
  r.usage.completion_tokens = Get<uint64_t>(meta, "completion_tokens", 0);
  r.backend = Get<std::string>(meta, "backend", "");
  for (const auto& m : Get<json>(meta, "memory", json::array())) {
    t.memory.push_back({Get<std::string>(m, "question", ""), Get<std::string>(m, "answer", "")});
  }
  return s;
}

// The context the sink would give `record` (sink_worker.cc, Render).
Result<std::string> ContextOf(const envelope::SampleRecord& sample, workers::SinkContext mode,
                              const store::DocumentStore* store) {
  const auto& r = sample.record;
  if (mode == workers::SinkContext::kFull || !r.evidence.empty()) {
    if (store == nullptr) {
      return Error::Stop("sample " + sample.sample_id +
                         ": its context is read from the document store; pass --store");
    }
  }
  const std::string key = store::DocumentStore::TextKey(r.task.doc_id);
  if (mode == workers::SinkContext::kFull) return store->Get(key);
  std::string context;
  if (!r.evidence.empty()) {
    for (const auto& span : r.evidence) {
      auto text = store->GetRange(key, span.begin, span.end);
      if (!text) return text.error();
      if (!context.empty()) context += "\n\n";
      context += *text;
    }
  } else {
    for (const auto& q : r.quotes) context += (context.empty() ? "" : "\n") + q;
  }
  return context;
}

json HumanJson(const DecisionRecord& d, const std::string& original_answer) {
  json j = {{"decision", ToString(d.decision)}, {"reviewer", d.reviewer}, {"time", d.time}};
  if (!d.reason.empty()) j["reason"] = d.reason;
  if (d.decision == HumanDecision::kEdit) j["original_answer"] = original_answer;
  return j;
}

}  // namespace

Result<FinalSummary> WriteFinal(const SampleIndex& index, const DecisionLog& log,
                                const store::DocumentStore* store, const FinalOptions& options) {
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) return Error::Stop(options.out_dir + ": cannot create: " + ec.message());
  const std::string dir = fs::path(index.files().front().path).parent_path().string();
  if (fs::equivalent(dir, options.out_dir, ec)) {
    return Error::Stop(options.out_dir + ": is the directory under review; write elsewhere");
  }
  const auto decisions = log.LatestBySample();
  const auto document_bytes = [&](std::string_view doc_id) -> uint64_t {
    struct stat st {};
    if (store == nullptr) return 0;
    const std::string path = store->PathOf(store::DocumentStore::TextKey(std::string(doc_id)));
    return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  };

  FinalSummary summary;
  summary.path = (fs::path(options.out_dir) / "dataset.jsonl").string();
  const std::string temp = summary.path + ".writing";
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(temp.c_str(), "wb"), &std::fclose);
  if (!out) return Error::Stop(temp + ": cannot create: " + std::strerror(errno));

  // What DIR's accepted lines are: the defaults of --format and --context.
  std::optional<workers::SampleFormat> format = options.format;
  std::optional<workers::SinkContext> context = options.context;
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < index.size(); ++i) {
    if (!index.files()[index.at(i).file].accepted) continue;
    auto line = index.ReadLine(index.at(i));
    if (!line) return Error::Stop(line.error().message);
    auto parsed = ParseSampleLine(parser, *line, document_bytes);
    if (!parsed || !parsed->format) break;
    if (!format) format = parsed->format;
    const uint64_t doc = document_bytes(MetaString(parsed->meta, "doc_id"));
    if (!context) {
      context = doc > 0 && parsed->context.size() == doc ? workers::SinkContext::kFull
                                                         : workers::SinkContext::kEvidence;
    }
    break;
  }
  if (!format) format = workers::SampleFormat::kMessages;
  for (std::size_t i = 0; i < index.size(); ++i) {
    const IndexedSample& s = index.at(i);
    const bool accepted = index.files()[s.file].accepted;
    const auto decided = decisions.find(s.sample_id);
    const DecisionRecord* human = decided == decisions.end() ? nullptr : &decided->second;
    if (human != nullptr && human->decision == HumanDecision::kReject) {
      if (accepted) ++summary.human_rejected;
      continue;
    }
    if (human == nullptr && !accepted) continue;
    const std::string where = index.files()[s.file].path + ":" + std::to_string(s.line);
    auto line = index.ReadLine(s);
    if (!line) return Error::Stop(line.error().message);
    auto parsed = ParseSampleLine(parser, *line, document_bytes);
    if (!parsed) return Error::Stop(where + ": no longer a sink record: " + parsed.error().message);
    std::string rendered;
    try {
      const json meta = json::parse(simdjson::to_string(parsed->meta));
      const std::string original(parsed->answer);
      auto sample = SampleFromMeta(
          meta, std::string(parsed->question),
          human != nullptr && human->decision == HumanDecision::kEdit ? human->answer : original);
      std::string text;
      if (accepted) {
        text = std::string(parsed->context);
      } else {
        auto built = ContextOf(sample, context.value_or(workers::SinkContext::kFull), store);
        if (!built) return Error::Stop(where + ": " + built.error().message);
        text = std::move(*built);
      }
      // A person-accepted sample from rejected.jsonl gets a new context, so only its
      // document's size carries over.
      workers::ContextInfo info = ContextInfoFromMeta(meta);
      if (!accepted) info = workers::ContextInfo{info.doc_bytes, "", std::nullopt, ""};
      rendered = workers::RenderAccepted(sample, *format, text, info);
      if (human != nullptr) {
        json line_json = json::parse(rendered);
        line_json[*format == workers::SampleFormat::kRlVerl ? "extra_info" : "meta"]["human"] =
            HumanJson(*human, original);
        rendered = line_json.dump(-1, ' ', false, json::error_handler_t::replace);
        ++(human->decision == HumanDecision::kEdit ? summary.edited : summary.human_accepted);
      }
    } catch (const json::exception& e) {
      return Error::Stop(where + ": meta has a field of the wrong type: " + e.what());
    }
    rendered += '\n';
    if (std::fwrite(rendered.data(), 1, rendered.size(), out.get()) != rendered.size()) {
      return Error::Stop(temp + ": cannot write: " + std::strerror(errno));
    }
    ++summary.written;
  }
  summary.format = *format;
  if (std::fflush(out.get()) != 0 || ::fsync(::fileno(out.get())) != 0) {
    return Error::Stop(temp + ": cannot flush: " + std::strerror(errno));
  }
  out.reset();
  fs::rename(temp, summary.path, ec);
  if (ec)
    return Error::Stop(summary.path + ": cannot rename " + temp + " over it: " + ec.message());
  return summary;
}

}  // namespace longforge::review
