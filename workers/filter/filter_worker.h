#pragma once
// filter: lf.answers → lf.dataset (accepted) | lf.rejected (rejected, review).
// Every decision carries machine-readable reasons.

#include <string>
#include <vector>

#include "filter_probe.h"
#include "longforge/envelope/messages.h"
#include "longforge/kafka/handler.h"

namespace longforge::workers {

struct FilterOptions {
  std::size_t min_answer_chars = 1;     // shorter answers are rejected (answer_too_short)
  std::size_t max_answer_chars = 8000;  // longer answers are rejected (answer_too_long)

  std::vector<std::string> Validate() const;
};

// Deterministic sample id of a task's record.
std::string SampleIdOf(const std::string& task_id);

class FilterWorker final : public kafka::SyncHandler {
 public:
  FilterWorker(FilterOptions options, FilterProbe* probe);
  Result<kafka::Outputs> HandleSync(const kafka::InMessage& message) override;
  // The verdict alone; public for tests.
  envelope::Verdict Judge(const envelope::AnswerRecord& record) const;

 private:
  FilterOptions options_;
  FilterProbe* probe_;
};

}  // namespace longforge::workers
