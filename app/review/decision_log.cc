#include "review/decision_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "longforge/common/time.h"
#include "longforge/common/utf8.h"

namespace longforge::review {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxIdBytes = 200;
constexpr std::size_t kMaxReviewerBytes = 100;
constexpr std::size_t kMaxReasonBytes = 2000;
constexpr std::size_t kMaxAnswerBytes = 1 << 20;

void CheckText(const std::string& field, const std::string& value, std::size_t max,
               std::vector<std::string>& problems) {
  if (value.size() > max) {
    problems.push_back(field + " is " + std::to_string(value.size()) + " bytes; at most " +
                       std::to_string(max));
  }
  if (FindInvalidUtf8(value)) problems.push_back(field + " is not valid UTF-8");
}

}  // namespace

const char* ToString(HumanDecision decision) {
  switch (decision) {
    case HumanDecision::kAccept:
      return "accept";
    case HumanDecision::kReject:
      return "reject";
    case HumanDecision::kEdit:
      return "edit";
  }
  return "accept";
}

std::optional<HumanDecision> ParseHumanDecision(std::string_view text) {
  for (const auto d : {HumanDecision::kAccept, HumanDecision::kReject, HumanDecision::kEdit}) {
    if (text == ToString(d)) return d;
  }
  return std::nullopt;
}

std::vector<std::string> DecisionRecord::Validate() const {
  std::vector<std::string> problems;
  if (sample_id.empty()) problems.push_back("sample_id is empty");
  CheckText("sample_id", sample_id, kMaxIdBytes, problems);
  if (reviewer.find_first_not_of(" \t") == std::string::npos) {
    problems.push_back("reviewer is empty (start with --reviewer NAME or type a name on the page)");
  }
  CheckText("reviewer", reviewer, kMaxReviewerBytes, problems);
  for (const char c : reviewer) {
    if (static_cast<unsigned char>(c) < 0x20) {
      problems.push_back("reviewer holds a control character");
      break;
    }
  }
  CheckText("reason", reason, kMaxReasonBytes, problems);
  CheckText("answer", answer, kMaxAnswerBytes, problems);
  switch (decision) {
    case HumanDecision::kReject:
      if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
        problems.push_back("a reject needs a reason");
      }
      [[fallthrough]];
    case HumanDecision::kAccept:
      if (!answer.empty()) problems.push_back("only an edit carries an answer");
      break;
    case HumanDecision::kEdit:
      if (answer.find_first_not_of(" \t\r\n") == std::string::npos) {
        problems.push_back("an edit needs the corrected answer");
      }
      break;
  }
  return problems;
}

std::string EncodeDecision(const DecisionRecord& r) {
  json j = {{"sample_id", r.sample_id},
            {"decision", ToString(r.decision)},
            {"reviewer", r.reviewer},
            {"time", r.time}};
  if (r.decision == HumanDecision::kEdit) j["answer"] = r.answer;
  if (!r.reason.empty()) j["reason"] = r.reason;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<DecisionRecord> DecodeDecision(std::string_view line) {
  const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Error::DeadLetter("not a JSON object");
  DecisionRecord r;
  const auto text = [&](const char* key, std::string& out, bool required) -> Status {
    const auto it = j.find(key);
    if (it == j.end()) {
      return required ? Status(Error::DeadLetter(std::string("no \"") + key + "\"")) : Status();
    }
    if (!it->is_string()) return Error::DeadLetter(std::string("\"") + key + "\" is not a string");
    out = it->get<std::string>();
    return {};
  };
  std::string decision;
  for (auto s : {text("sample_id", r.sample_id, true), text("decision", decision, true),
                 text("reviewer", r.reviewer, true), text("time", r.time, true),
                 text("answer", r.answer, false), text("reason", r.reason, false)}) {
    if (!s) return s.error();
  }
  const auto parsed = ParseHumanDecision(decision);
  if (!parsed)
    return Error::DeadLetter("decision \"" + decision + "\" is not accept, reject or edit");
  r.decision = *parsed;
  return r;
}

Result<std::unique_ptr<DecisionLog>> DecisionLog::Open(const std::string& dir, bool writable) {
  const std::string path = (std::filesystem::path(dir) / "decisions.jsonl").string();
  std::vector<DecisionRecord> records;
  std::uintmax_t whole = 0;  // bytes up to the end of the last complete line
  if (std::ifstream in(path, std::ios::binary); in) {
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (in.eof()) break;  // no newline after it: torn by a crash, never acknowledged
      whole += line.size() + 1;
      if (line.empty()) continue;
      auto record = DecodeDecision(line);
      if (!record) {
        return Error::Stop(path + ":" + std::to_string(number) +
                           ": not a decision: " + record.error().message);
      }
      records.push_back(std::move(record.value()));
    }
  }
  UniqueFd fd;
  if (writable) {
    fd = UniqueFd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!fd) return Error::Stop(path + ": cannot open for appending: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
      return Error::Stop(path + ": cannot stat: " + std::strerror(errno));
    }
    if (static_cast<std::uintmax_t>(st.st_size) > whole &&
        ::ftruncate(fd.get(), static_cast<off_t>(whole)) != 0) {
      return Error::Stop(path + ": cannot cut its torn last line: " + std::strerror(errno));
    }
  }
  std::unique_ptr<DecisionLog> log(new DecisionLog(path, std::move(fd)));
  for (auto& r : records) log->Add(std::move(r));
  return log;
}

void DecisionLog::Add(DecisionRecord record) {
  by_id_[record.sample_id].push_back(records_.size());
  records_.push_back(std::move(record));
}

Result<DecisionRecord> DecisionLog::Record(DecisionRecord record) {
  if (record.time.empty()) record.time = NowIso8601();
  if (const auto problems = record.Validate(); !problems.empty()) {
    return Error::DeadLetter(InvalidOptions("decision", problems).error().message);
  }
  if (!fd_) return Error::Stop(path_ + ": opened read-only");
  const std::string line = EncodeDecision(record) + "\n";
  std::lock_guard lock(mu_);
  // O_APPEND and one write() per line: a line is never interleaved with another.
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_.get(), line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error::Stop(path_ + ": cannot append: " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd_.get()) != 0) return Error::Stop(path_ + ": fsync: " + std::strerror(errno));
  Add(record);
  return record;
}

std::optional<DecisionRecord> DecisionLog::Latest(const std::string& sample_id) const {
  std::lock_guard lock(mu_);
  const auto it = by_id_.find(sample_id);
  if (it == by_id_.end()) return std::nullopt;
  return records_[it->second.back()];
}

std::vector<DecisionRecord> DecisionLog::History(const std::string& sample_id) const {
  std::lock_guard lock(mu_);
  std::vector<DecisionRecord> out;
  if (const auto it = by_id_.find(sample_id); it != by_id_.end()) {
    for (const std::size_t i : it->second) out.push_back(records_[i]);
  }
  return out;
}

std::vector<DecisionRecord> DecisionLog::Recent(std::size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<DecisionRecord> out;
  for (auto it = records_.rbegin(); it != records_.rend() && out.size() < limit; ++it) {
    out.push_back(*it);
  }
  return out;
}

std::map<std::string, DecisionRecord> DecisionLog::LatestBySample() const {
  std::lock_guard lock(mu_);
  std::map<std::string, DecisionRecord> out;
  for (const auto& [id, indices] : by_id_) out.emplace(id, records_[indices.back()]);
  return out;
}

std::unordered_map<std::string, HumanDecision> DecisionLog::LatestKinds() const {
  std::lock_guard lock(mu_);
  std::unordered_map<std::string, HumanDecision> out;
  for (const auto& [id, indices] : by_id_) out.emplace(id, records_[indices.back()].decision);
  return out;
}

std::size_t DecisionLog::size() const {
  std::lock_guard lock(mu_);
  return records_.size();
}

std::string FormatDecisionSummary(const DecisionLog& log) {
  const auto latest = log.LatestBySample();
  if (latest.empty()) return "";
  std::set<std::string> reviewers;
  for (const auto& r : log.Recent(log.size())) reviewers.insert(r.reviewer);
  std::map<HumanDecision, std::size_t> by_kind;
  for (const auto& [_, r] : latest) ++by_kind[r.decision];
  std::string out = "\nhuman review (" + log.path() + "): " + std::to_string(log.size()) +
                    " decisions by " + std::to_string(reviewers.size()) + " reviewer(s) on " +
                    std::to_string(latest.size()) + " samples; latest per sample:\n";
  for (const auto d : {HumanDecision::kAccept, HumanDecision::kEdit, HumanDecision::kReject}) {
    out += "  " + std::string(ToString(d)) + ": " + std::to_string(by_kind[d]) + "\n";
  }
  return out;
}

}  // namespace longforge::review
