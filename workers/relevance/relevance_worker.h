#pragma once
// relevance: lf.relevance.requests → lf.relevance.results. Reads the chunk's bytes
// from the store, asks the judge, and emits one result per task keyed by task id
// (so that all results of a task meet in one partition of the answer worker).

#include "longforge/kafka/handler.h"
#include "longforge/store/document_store.h"
#include "workers/relevance/relevance_judge.h"

namespace longforge::workers {

class RelevanceWorker final : public kafka::Handler {
 public:
  RelevanceWorker(store::DocumentStore& store, RelevanceJudge& judge);
  void Handle(const kafka::InMessage& message, kafka::Done done) override;

 private:
  store::DocumentStore& store_;
  RelevanceJudge& judge_;
};

}  // namespace longforge::workers
