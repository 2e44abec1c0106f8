#pragma once
// DIR/decisions.jsonl: what people decided about samples in `longforge review`. One JSON
// object a line, appended and fsync'ed before the decision is acknowledged:
//   {"sample_id", "decision": "accept"|"reject"|"edit", "answer" (edit: the corrected
//    answer), "reason" (reject: why; else optional), "reviewer", "time" (UTC ISO 8601)}
// "edit" means accepted with the answer replaced. A sample decided more than once keeps
// its latest line (the log's order is the order decisions were recorded).

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "longforge/common/error.h"
#include "review/unique_fd.h"

namespace longforge::review {

enum class HumanDecision { kAccept, kReject, kEdit };

// "accept" | "reject" | "edit".
const char* ToString(HumanDecision decision);
std::optional<HumanDecision> ParseHumanDecision(std::string_view text);

struct DecisionRecord {
  std::string sample_id;
  HumanDecision decision = HumanDecision::kAccept;
  std::string answer;  // kEdit: the answer that replaces the original; else empty
  std::string reason;  // kReject: why (required); else an optional note
  std::string reviewer;
  std::string time;  // UTC, "2026-11-23T21:06:52.123Z"

  // Every problem with the fields (lengths, UTF-8, a reject without reason, an edit
  // without answer, an answer on anything but an edit), none when valid.
  std::vector<std::string> Validate() const;
};

// One JSON line, without the newline.
std::string EncodeDecision(const DecisionRecord& record);
// Error (kDeadLetter) says which field is missing or wrong.
Result<DecisionRecord> DecodeDecision(std::string_view line);

// Thread-safe: Record() may be called from many request threads at once; each call
// appends one whole line (a single write() under a mutex, then fsync).
class DecisionLog {
 public:
  // Reads DIR/decisions.jsonl if it exists. A last line without its newline (a crash
  // mid-write) is ignored and, when `writable`, cut off so the next line starts clean;
  // any other line that is not a decision is an error (kStop) naming file and line.
  // Read-only logs (`writable` false: `stats`, `--write-final`) never create the file.
  static Result<std::unique_ptr<DecisionLog>> Open(const std::string& dir, bool writable);

  // Validates, stamps `time` when empty, appends and fsyncs. Error: kDeadLetter for an
  // invalid record (the message lists every problem), kStop for an I/O error (errno).
  Result<DecisionRecord> Record(DecisionRecord record);

  // The latest decision on `sample_id`, if any.
  std::optional<DecisionRecord> Latest(const std::string& sample_id) const;
  // Every decision on `sample_id`, oldest first.
  std::vector<DecisionRecord> History(const std::string& sample_id) const;
  // The `limit` most recent decisions, newest first.
  std::vector<DecisionRecord> Recent(std::size_t limit) const;
  // sample id -> its latest decision.
  std::map<std::string, DecisionRecord> LatestBySample() const;
  // sample id -> the kind of its latest decision: what a list filters on, without
  // copying edited answers (up to 1 MiB each) for every request.
  std::unordered_map<std::string, HumanDecision> LatestKinds() const;
  std::size_t size() const;
  const std::string& path() const { return path_; }

 private:
  DecisionLog(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  void Add(DecisionRecord record);

  const std::string path_;
  UniqueFd fd_;  // open for appending; none when read-only
  mutable std::mutex mu_;
  std::vector<DecisionRecord> records_;                    // guarded by mu_, log order
  std::map<std::string, std::vector<std::size_t>> by_id_;  // guarded by mu_: indices
};

// What people decided, for `longforge stats`: decisions and reviewers, then the latest
// decision per sample counted by kind. Empty when the log holds none.
std::string FormatDecisionSummary(const DecisionLog& log);

}  // namespace longforge::review
