#pragma once
// relevance: lf.relevance.requests → lf.relevance.results. Reads the chunk's bytes
// from the store, asks the judge, and emits one result per task keyed by task id
// (so that all results of a task meet in one partition of the answer worker).
//
// Retry policy, the same as every LLM stage's: the client retries each call with
// backoff; a call that still fails for a reason that may pass (server down or
// overloaded) makes the message retried by the run loop; once the run loop gives up
// on it (RunLoopOptions::max_message_attempts, not counting retries while the LLM is
// down), GiveUp reports the chunk failed for each of its tasks, which then complete
// from their other chunks.

#include "longforge/kafka/handler.h"
#include "longforge/store/document_store.h"
#include "workers/relevance/relevance_judge.h"

namespace longforge::workers {

class RelevanceWorker final : public kafka::Handler {
 public:
  RelevanceWorker(store::DocumentStore& store, RelevanceJudge& judge);
  void Handle(const kafka::InMessage& message, kafka::Done done) override;
  // A kFailed result per task of the request, carrying `last` as the error.
  Result<kafka::Outputs> GiveUp(const kafka::InMessage& message, const Error& last) override;

 private:
  store::DocumentStore& store_;
  RelevanceJudge& judge_;
};

}  // namespace longforge::workers
