#pragma once
// questioner: lf.chunked → lf.tasks (the ledger) + lf.relevance.requests (fan-out).
// Decides which questions are asked of a document and fans each out to one
// relevance request per chunk (several questions share a request when
// questions_per_call > 1, so the chunk is read once for all of them).

#include <string>
#include <vector>

#include "longforge/envelope/messages.h"
#include "longforge/kafka/handler.h"
#include "longforge/store/document_store.h"

namespace longforge::workers {

struct QuestionerOptions {
  std::size_t questions_per_call = 1;        // --questions-per-call; default 1
  int level = 2;                             // --level: agent level 1..3; default 2
  std::size_t max_tasks_per_document = 500;  // bounds one document's fan-out

  std::vector<std::string> Validate() const;
};

// Deterministic task id: the document and the question with case and spacing folded.
std::string TaskIdOf(const std::string& doc_id, const std::string& question);

class QuestionerWorker final : public kafka::SyncHandler {
 public:
  QuestionerWorker(QuestionerOptions options, store::DocumentStore& store);
  Result<kafka::Outputs> HandleSync(const kafka::InMessage& message) override;

  // The tasks for a chunked document and notes on what was dropped. Public for tests.
  std::vector<envelope::Task> PlanTasks(const envelope::ChunkedEvent& doc,
                                        std::vector<std::string>& notes) const;

 private:
  QuestionerOptions options_;
  store::DocumentStore& store_;
};

}  // namespace longforge::workers
