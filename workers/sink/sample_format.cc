#include "workers/sink/sample_format.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <utility>

namespace longforge::workers {

using nlohmann::json;

namespace {

json Meta(const envelope::SampleRecord& sample, const ContextInfo& info) {
  const auto& r = sample.record;
  json evidence = json::array(), chapters = json::array();
  for (const auto& e : r.evidence) {
    evidence.push_back({e.begin, e.end});
    chapters.push_back(e.chapter);
  }
  json meta = {{"sample_id", sample.sample_id},
               {"doc_id", r.task.doc_id},
               {"task_id", r.task.task_id},
               {"level", r.task.level},
               {"difficulty", envelope::Difficulty(r.task)},
               {"escalations", r.task.escalations},
               {"scope", envelope::ToString(r.task.scope)},
               {"verifier", r.task.verifier},
               {"origin", envelope::ToString(r.task.origin)},
               {"question_type", r.task.type},
               {"language", r.task.language},
               {"source_chunks", r.task.source_chunks},
               {"evidence", evidence},
               {"chapters", chapters},
               {"quotes", r.quotes},
               {"reference", r.task.reference ? json(*r.task.reference) : json(nullptr)},
               {"decision", envelope::ToString(sample.verdict.decision)},
               {"reasons", sample.verdict.reasons},
               {"note_support",
                sample.verdict.note_support ? json(*sample.verdict.note_support) : json(nullptr)},
               {"closed_book_answer", sample.verdict.closed_book_answer
                                          ? json(*sample.verdict.closed_book_answer)
                                          : json(nullptr)},
               {"chunks_total", r.chunks_total},
               {"chunks_relevant", r.chunks_relevant},
               {"chunks_lost", r.chunks_lost},
               {"chunks_failed", r.chunks_failed},
               {"chunks_malformed", r.chunks_malformed},
               {"notes", r.notes},
               {"reduce_depth", r.reduce_depth},
               {"llm_calls", r.usage.calls},
               {"prompt_tokens", r.usage.prompt_tokens},
               {"completion_tokens", r.usage.completion_tokens},
               {"backend", r.backend},
               {"memory", json::array()}};
  if (const auto& c = sample.verdict.contamination) {
    meta["contamination"] = {{"source", c->source}, {"item", c->item}, {"method", c->method}};
  }
  for (const auto& m : r.task.memory) {
    meta["memory"].push_back({{"question", m.question}, {"answer", m.answer}});
  }
  if (info.doc_bytes > 0) {
    meta["doc_bytes"] = info.doc_bytes;
    json positions = json::array();
    for (const auto& e : r.evidence) {
      const double at = static_cast<double>(e.begin) / static_cast<double>(info.doc_bytes);
      positions.push_back(std::round(std::min(at, 1.0) * 10000) / 10000);
    }
    meta["evidence_position"] = std::move(positions);
  }
  if (!info.record_id.empty()) meta["record_id"] = info.record_id;
  if (const auto& w = info.window) {
    meta["window"] = {{"begin", w->begin},
                      {"end", w->end},
                      {"tokens", w->tokens},
                      {"evidence_tokens", w->evidence_tokens},
                      {"tokens_before", w->tokens_before},
                      {"depth", w->depth},
                      {"evidence_depth", std::round(w->evidence_depth * 10000) / 10000}};
  }
  if (!info.length_bucket.empty()) meta["length_bucket"] = info.length_bucket;
  return meta;
}

// What the RL formats score against: the task's reference or, for a task without one,
// the accepted answer (the filter judged it grounded; it is the best truth there is).
std::pair<std::string, const char*> GroundTruth(const envelope::SampleRecord& sample) {
  const auto& reference = sample.record.task.reference;
  if (reference && !reference->empty()) return {*reference, "reference"};
  return {sample.record.answer, "answer"};
}

// Meta plus what a reward function needs beside the ground truth.
json RlMeta(const envelope::SampleRecord& sample, const char* reference_source,
            const ContextInfo& info) {
  json meta = Meta(sample, info);
  meta["reference_source"] = reference_source;
  json lengths = json::array();
  for (const auto& e : sample.record.evidence) lengths.push_back(e.end - e.begin);
  meta["evidence_bytes"] = lengths;
  return meta;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

const char* SampleFormatName(SampleFormat format) {
  switch (format) {
    case SampleFormat::kMessages:
      return "messages";
    case SampleFormat::kShareGpt:
      return "sharegpt";
    case SampleFormat::kAlpaca:
      return "alpaca";
    case SampleFormat::kRlVerl:
      return "rl-verl";
    case SampleFormat::kRlSwift:
      return "rl-swift";
  }
  return "messages";
}

std::optional<SampleFormat> ParseSampleFormat(std::string_view name) {
  for (const auto format : {SampleFormat::kMessages, SampleFormat::kShareGpt, SampleFormat::kAlpaca,
                            SampleFormat::kRlVerl, SampleFormat::kRlSwift}) {
    if (name == SampleFormatName(format)) return format;
  }
  return std::nullopt;
}

std::optional<SampleFormat> DetectSampleFormat(const json& line) {
  if (!line.is_object()) return std::nullopt;
  if (line.contains("reward_model") && line.contains("prompt")) return SampleFormat::kRlVerl;
  if (line.contains("messages")) {
    return line.contains("solution") ? SampleFormat::kRlSwift : SampleFormat::kMessages;
  }
  if (line.contains("conversations")) return SampleFormat::kShareGpt;
  if (line.contains("instruction") && line.contains("output")) return SampleFormat::kAlpaca;
  return std::nullopt;
}

const json* RecordKey(const json& meta) {
  for (const char* key : {"record_id", "sample_id"}) {
    const auto it = meta.find(key);
    if (it != meta.end()) return it->is_string() ? &*it : nullptr;
  }
  return nullptr;
}

const json* RecordMeta(const json& line) {
  if (!line.is_object()) return nullptr;
  for (const char* key : {"meta", "extra_info"}) {
    const auto it = line.find(key);
    if (it != line.end()) return it->is_object() ? &*it : nullptr;
  }
  return nullptr;
}

std::string RenderAccepted(const envelope::SampleRecord& sample, SampleFormat format,
                           const std::string& context, const ContextInfo& info) {
  const auto& r = sample.record;
  const std::string prompt = context.empty() ? r.task.question : context + "\n\n" + r.task.question;
  json out;
  switch (format) {
    case SampleFormat::kMessages:
      out["messages"] = json::array({{{"role", "user"}, {"content", prompt}},
                                     {{"role", "assistant"}, {"content", r.answer}}});
      break;
    case SampleFormat::kShareGpt:
      out["conversations"] = json::array(
          {{{"from", "human"}, {"value", prompt}}, {{"from", "gpt"}, {"value", r.answer}}});
      break;
    case SampleFormat::kAlpaca:
      out["instruction"] = r.task.question;
      out["input"] = context;
      out["output"] = r.answer;
      break;
    case SampleFormat::kRlVerl: {
      const auto [truth, source] = GroundTruth(sample);
      out["data_source"] = "longforge";
      out["prompt"] = json::array({{{"role", "user"}, {"content", prompt}}});
      out["ability"] = "long-context-qa";
      // A verifier's reference is checked by rule; any other needs overlap or a judge.
      out["reward_model"] = {{"style", r.task.verifier.empty() ? "model" : "rule"},
                             {"ground_truth", truth}};
      json extra = RlMeta(sample, source, info);
      extra["question"] = r.task.question;
      extra["answer"] = r.answer;
      out["extra_info"] = std::move(extra);
      return Dump(out);
    }
    case SampleFormat::kRlSwift: {
      const auto [truth, source] = GroundTruth(sample);
      out["messages"] = json::array({{{"role", "user"}, {"content", prompt}},
                                     {{"role", "assistant"}, {"content", r.answer}}});
      out["solution"] = truth;
      out["meta"] = RlMeta(sample, source, info);
      return Dump(out);
    }
  }
  out["meta"] = Meta(sample, info);
  return Dump(out);
}

std::string EscapeJsonString(const std::string& text) {
  std::string quoted = Dump(json(text));
  return quoted.substr(1, quoted.size() - 2);
}

std::string RenderAcceptedEscaped(const envelope::SampleRecord& sample, SampleFormat format,
                                  const std::string& escaped_context, const ContextInfo& info) {
  // Rendered around a stand-in for the context, which is then swapped for the escaped
  // text. JSON escaping works character by character, so this gives the bytes of
  // RenderAccepted; should the stand-in also occur in another field (no NUL passes
  // ingest, but a question could carry one), it falls back to escaping in full.
  using namespace std::string_literals;
  static const std::string kStandIn = "\0longforge-context\0"s;
  static const std::string kEscapedStandIn = EscapeJsonString(kStandIn);
  std::string out = RenderAccepted(sample, format, kStandIn, info);
  const auto at = out.find(kEscapedStandIn);
  if (at == std::string::npos ||
      out.find(kEscapedStandIn, at + kEscapedStandIn.size()) != std::string::npos) {
    const auto context = json::parse("\"" + escaped_context + "\"").get<std::string>();
    return RenderAccepted(sample, format, context, info);
  }
  out.replace(at, kEscapedStandIn.size(), escaped_context);
  return out;
}

std::string RenderRejected(const envelope::SampleRecord& sample, const ContextInfo& info) {
  json out;
  out["question"] = sample.record.task.question;
  out["answer"] = sample.record.answer;
  out["meta"] = Meta(sample, info);
  return Dump(out);
}

}  // namespace longforge::workers
