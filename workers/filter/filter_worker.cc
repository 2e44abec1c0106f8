#include "filter_worker.h"

#include "longforge/common/hash.h"
#include "longforge/kafka/topics.h"

namespace longforge::workers {

std::vector<std::string> FilterOptions::Validate() const {
  std::vector<std::string> problems;
  if (max_answer_chars < min_answer_chars) {
    problems.emplace_back("max answer length is below the minimum");
  }
  return problems;
}

std::string SampleIdOf(const std::string& task_id) { return Hash128Hex(task_id + "/sample/v1"); }

FilterWorker::FilterWorker(FilterOptions options, FilterProbe* probe)
    : options_(std::move(options)), probe_(probe) {}

envelope::Verdict FilterWorker::Judge(const envelope::AnswerRecord& record) const {
  envelope::Verdict v;
  if (record.answer.empty()) {
    v.reasons.emplace_back("empty_answer");
  } else if (record.answer.size() < options_.min_answer_chars) {
    v.reasons.emplace_back("answer_too_short");
  }
  if (record.answer.size() > options_.max_answer_chars) v.reasons.emplace_back("answer_too_long");
  if (record.evidence.empty()) v.reasons.emplace_back("no_evidence");
  v.decision = v.reasons.empty() ? "accept" : "reject";
  return v;
}

Result<kafka::Outputs> FilterWorker::HandleSync(const kafka::InMessage& message) {
  auto record = envelope::DecodeAnswerRecord(message.value);
  if (!record) return record.error();
  envelope::SampleRecord sample;
  sample.sample_id = SampleIdOf(record->task.task_id);
  sample.verdict = Judge(*record);
  sample.record = std::move(record.value());
  if (probe_) {
    if (sample.verdict.reasons.empty()) probe_->Decision(sample.verdict.decision, "ok");
    for (const auto& r : sample.verdict.reasons) probe_->Decision(sample.verdict.decision, r);
  }
  const bool accepted = sample.verdict.decision == "accept";
  return kafka::Outputs{{accepted ? kafka::kDataset : kafka::kRejected, sample.sample_id,
                         envelope::Encode(sample, accepted ? "lf.dataset/v1" : "lf.rejected/v1")}};
}

}  // namespace longforge::workers
