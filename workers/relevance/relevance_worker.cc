#include "workers/relevance/relevance_worker.h"

#include "longforge/kafka/topics.h"

namespace longforge::workers {
namespace {

// The chunk could not be judged: each of its tasks learns so and completes without it.
kafka::Outputs FailedResults(const envelope::RelevanceRequest& req, const std::string& error,
                             const std::string& backend) {
  kafka::Outputs out;
  for (const auto& t : req.tasks) {
    envelope::RelevanceResult r;
    r.task = t;
    r.chunk = req.chunk;
    r.chunk_count = req.chunk_count;
    r.verdict = envelope::RelevanceVerdict::kFailed;
    r.error = error;
    r.backend = backend;
    out.push_back({kafka::kRelevanceResults, t.task_id, envelope::Encode(r)});
  }
  return out;
}

// A released request owes its questioner a credit once its results are out: it goes
// in the same batch, so it is delivered (and the request committed) with them.
kafka::Outputs WithCredit(const envelope::RelevanceRequest& req, kafka::Outputs out) {
  if (req.release) {
    envelope::RelevanceCredit credit{req.tasks.front().doc_id, *req.release};
    out.push_back({kafka::kRelevanceCredits, credit.doc_id, envelope::Encode(credit)});
  }
  return out;
}

}  // namespace

RelevanceWorker::RelevanceWorker(store::DocumentStore& store, RelevanceJudge& judge)
    : store_(store), judge_(judge) {}

void RelevanceWorker::Handle(const kafka::InMessage& message, kafka::Done done) {
  auto req = envelope::DecodeRelevanceRequest(message.value);
  if (!req) return done(req.error());
  const std::string& doc_id = req->tasks.front().doc_id;
  auto chunk =
      store_.GetRange(store::DocumentStore::TextKey(doc_id), req->chunk.begin, req->chunk.end);
  if (!chunk && chunk.error().disposition == Disposition::kDeadLetter) {
    // The chunk cannot be read, but its tasks are known: report the chunk as failed
    // so each task still completes from its other chunks, with this one counted lost.
    return done(WithCredit(*req, FailedResults(*req, chunk.error().message, judge_.Name())));
  }
  if (!chunk) return done(chunk.error());
  std::vector<std::string> questions;
  for (const auto& t : req->tasks) questions.push_back(t.question);
  judge_.Judge(
      std::move(chunk.value()), std::move(questions),
      [req = std::move(req.value()), done = std::move(done), backend = judge_.Name()](
          std::vector<Judgement> judgements, envelope::LlmUsage usage) {
        if (judgements.size() != req.tasks.size()) {
          // A backend bug, not the chunk's: its tasks learn the chunk failed.
          return done(WithCredit(
              req, FailedResults(req,
                                 "relevance backend returned " + std::to_string(judgements.size()) +
                                     " judgements for " + std::to_string(req.tasks.size()) +
                                     " questions",
                                 backend)));
        }
        // A call that failed for a reason that may pass (the server is down
        // or overloaded) is tried again later as a whole message, with the run
        // loop's backoff, until the run loop gives up (GiveUp); a failure this
        // chunk can never get past marks it failed at once. Rejected
        // credentials stop the worker.
        for (const auto& j : judgements) {
          if (j.verdict != envelope::RelevanceVerdict::kFailed) continue;
          if (j.failure == Disposition::kRetry) return done(Error::Retry(j.error));
          if (j.failure == Disposition::kStop) return done(Error::Stop(j.error));
        }
        kafka::Outputs out;
        for (std::size_t i = 0; i < req.tasks.size(); ++i) {
          envelope::RelevanceResult r;
          r.task = req.tasks[i];
          r.chunk = req.chunk;
          r.chunk_count = req.chunk_count;
          r.verdict = judgements[i].verdict;
          r.quotes = std::move(judgements[i].quotes);
          r.dropped_quotes = judgements[i].dropped_quotes;
          r.repaired_quotes = judgements[i].repaired_quotes;
          r.dropped_quotes += envelope::CapQuotes(r.quotes, envelope::kMaxQuoteBytesPerChunk);
          r.error = judgements[i].error;
          r.backend = backend;
          // One call served every question of the request: charge it once.
          if (i == 0) r.usage = usage;
          out.push_back({kafka::kRelevanceResults, r.task.task_id, envelope::Encode(r)});
        }
        done(WithCredit(req, std::move(out)));
      });
}

Result<kafka::Outputs> RelevanceWorker::GiveUp(const kafka::InMessage& message, const Error& last) {
  auto req = envelope::DecodeRelevanceRequest(message.value);
  if (!req) return req.error();  // Handle would not have asked for a retry
  return WithCredit(*req, FailedResults(*req,
                                        "gave up after " + std::to_string(message.attempt) +
                                            " attempts: " + last.message,
                                        judge_.Name()));
}

}  // namespace longforge::workers
