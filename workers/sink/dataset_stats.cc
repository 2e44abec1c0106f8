#include "workers/sink/dataset_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

namespace longforge::workers {
namespace {

using nlohmann::json;

int Log2(std::size_t n) {
  int b = 0;
  while ((std::size_t{1} << (b + 1)) <= n) ++b;
  return n == 0 ? -1 : b;
}

// The prompt and the reply of an accepted line, whatever its format.
std::pair<std::size_t, std::size_t> PromptAndAnswer(const json& j) {
  if (j.contains("messages")) {
    return {j["messages"][0].value("content", "").size(),
            j["messages"][1].value("content", "").size()};
  }
  if (j.contains("conversations")) {
    return {j["conversations"][0].value("value", "").size(),
            j["conversations"][1].value("value", "").size()};
  }
  return {j.value("instruction", "").size() + j.value("input", "").size(),
          j.value("output", "").size()};
}

// The string `key` of `meta`, or "" when absent or not a string.
std::string StringOf(const json& meta, const char* key) {
  const auto it = meta.find(key);
  return it != meta.end() && it->is_string() ? it->get<std::string>() : "";
}

Status ReadFile(const std::string& path, bool accepted, DatasetStats& s) {
  std::ifstream in(path);
  if (!in) return {};  // a run may have written only one of the two files
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto at = [&] { return path + ":" + std::to_string(number) + ": "; };
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("meta") || !j["meta"].is_object()) {
      return Error::Stop(at() + "not a longforge sink record");
    }
    const json& m = j["meta"];
    s.llm_calls += m.value("llm_calls", uint64_t{0});
    s.prompt_tokens += m.value("prompt_tokens", uint64_t{0});
    s.completion_tokens += m.value("completion_tokens", uint64_t{0});
    s.reading.Add(m.value("chunks_total", uint64_t{0}), m.value("chunks_lost", uint64_t{0}),
                  m.value("chunks_failed", uint64_t{0}), m.value("chunks_malformed", uint64_t{0}));
    if (accepted) {
      ++s.accepted;
      ++s.by_type[m.value("question_type", "?")];
      const auto origin = envelope::ParseOrigin(StringOf(m, "origin"));
      if (!origin) return Error::Stop(at() + "unknown origin \"" + StringOf(m, "origin") + "\"");
      ++s.by_origin[*origin];
      ++s.by_backend[m.value("backend", "?")];
      const auto [prompt, answer] = PromptAndAnswer(j);
      ++s.context_log2[Log2(prompt)];
      ++s.answer_log2[Log2(answer)];
      continue;
    }
    const auto decision = envelope::ParseDecision(StringOf(m, "decision"));
    if (!decision) {
      return Error::Stop(at() + "unknown decision \"" + StringOf(m, "decision") + "\"");
    }
    switch (*decision) {
      case envelope::Decision::kReview:
        ++s.review;
        break;
      case envelope::Decision::kReject:
        ++s.rejected;
        break;
      case envelope::Decision::kAccept:
        return Error::Stop(at() + "an accepted sample among the rejected ones");
    }
    if (m.contains("reasons") && m["reasons"].is_array()) {
      for (const auto& r : m["reasons"]) {
        if (r.is_string()) ++s.by_reason[r.get<std::string>()];
      }
    }
  }
  return {};
}

void Section(std::ostringstream& out, const std::string& title,
             const std::map<std::string, std::size_t>& counts) {
  out << title << ":\n";
  if (counts.empty()) out << "  (none)\n";
  for (const auto& [k, n] : counts) out << "  " << k << ": " << n << "\n";
}

void Histogram(std::ostringstream& out, const std::string& title,
               const std::map<int, std::size_t>& buckets) {
  out << title << ":\n";
  std::size_t max = 1;
  for (const auto& [b, n] : buckets) max = std::max(max, n);
  for (const auto& [b, n] : buckets) {
    const std::string range = b < 0 ? "0"
                                    : std::to_string(std::size_t{1} << b) + "-" +
                                          std::to_string((std::size_t{1} << (b + 1)) - 1);
    out << "  " << range << " bytes: " << std::string((n * 40 + max - 1) / max, '#') << " " << n
        << "\n";
  }
}

}  // namespace

Result<DatasetStats> ReadDatasetStats(const std::string& dir) {
  DatasetStats s;
  if (!std::ifstream(dir + "/dataset.jsonl") && !std::ifstream(dir + "/rejected.jsonl")) {
    return Error::Stop(dir + ": no dataset.jsonl or rejected.jsonl here");
  }
  if (auto st = ReadFile(dir + "/dataset.jsonl", true, s); !st) return st.error();
  if (auto st = ReadFile(dir + "/rejected.jsonl", false, s); !st) return st.error();
  return s;
}

Status SortDatasetByLength(const std::string& dir) {
  const std::string path = dir + "/dataset.jsonl";
  std::ifstream in(path);
  if (!in) return {};
  std::vector<std::pair<std::size_t, std::string>> lines;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return Error::Stop(path + ":" + std::to_string(number) + ": not a longforge sink record");
    }
    lines.emplace_back(PromptAndAnswer(j).first, std::move(line));
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  const std::string tmp = path + ".sorting";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& [length, l] : lines) out << l << "\n";
    out.flush();
    if (!out) return Error::Stop(tmp + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Error::Stop(path + ": rename failed");
  return {};
}

std::string FormatDatasetStats(const DatasetStats& s) {
  std::ostringstream out;
  const std::size_t total = s.accepted + s.rejected + s.review;
  out << "samples: " << total << " (accepted " << s.accepted << ", rejected " << s.rejected
      << ", review " << s.review << ")\n";
  if (total > 0) {
    out << "acceptance rate: " << std::round(1000.0 * s.accepted / total) / 10 << "%\n";
  }
  Section(out, "accepted by question type", s.by_type);
  std::map<std::string, std::size_t> by_origin;
  for (const auto& [origin, n] : s.by_origin) by_origin[envelope::ToString(origin)] = n;
  Section(out, "accepted by origin", by_origin);
  Section(out, "accepted by backend", s.by_backend);
  Section(out, "rejected and review by reason", s.by_reason);
  Histogram(out, "prompt length of accepted samples", s.context_log2);
  Histogram(out, "answer length of accepted samples", s.answer_log2);
  out << "unread chunks: " << s.reading.Describe() << "\n";
  out << "llm: " << s.llm_calls << " calls, " << s.prompt_tokens << " prompt + "
      << s.completion_tokens << " completion tokens";
  if (s.accepted > 0)
    out << " (" << s.prompt_tokens / s.accepted << " prompt tokens per accepted sample)";
  out << "\n";
  return out.str();
}

}  // namespace longforge::workers
