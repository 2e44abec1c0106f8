#pragma once
// Runs one lf.chunked message through a questioner as the pipeline would, without a
// broker: everything the worker emits is delivered at once, and the relevance stage is
// played by crediting every released request back, until the message is done.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "longforge/envelope/messages.h"
#include "longforge/kafka/topics.h"
#include "workers/questioner/questioner_worker.h"

namespace longforge::workers {

struct FanOutRun {
  // The message's final result: an error, or every output the message produced —
  // emitted and final — with the relevance requests in release order and the ledger last.
  Result<kafka::Outputs> outputs = Error::Stop("done was not called");
  std::size_t peak_outstanding = 0;  // the gate's, after the run
};

// `credit` false: nothing is credited (the fan-out stays under way; outputs then holds
// what was emitted, and the error says done was not called).
inline FanOutRun RunFanOut(QuestionerWorker& worker, const kafka::InMessage& message,
                           bool credit = true,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<kafka::OutMessage> emitted;  // guarded by mu, not yet looked at
  std::optional<Result<kafka::Outputs>> done;
  kafka::Outputs requests, ledger;

  worker.HandleEmitting(
      message,
      [&](Result<kafka::Outputs> r) {
        std::lock_guard lock(mu);
        done = std::move(r);
        cv.notify_all();
      },
      [&](kafka::Outputs outs, kafka::Delivered delivered) {
        {
          std::lock_guard lock(mu);
          for (auto& o : outs) emitted.push_back(std::move(o));
          cv.notify_all();
        }
        delivered(Status{});
      });

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::deque<kafka::OutMessage> batch;
    {
      std::unique_lock lock(mu);
      cv.wait_until(lock, deadline, [&] { return done.has_value() || !emitted.empty(); });
      batch.swap(emitted);
      if (batch.empty()) break;  // done, or the time is up
    }
    for (auto& o : batch) {
      if (o.topic == kafka::kRelevanceRequests && credit) {
        const auto req = envelope::DecodeRelevanceRequest(o.value);
        if (req.ok() && req->release) {
          const envelope::RelevanceCredit c{req->tasks.front().doc_id, *req->release};
          worker.HandleEmitting(
              {kafka::kRelevanceCredits, 0, 0, c.doc_id, envelope::Encode(c)},
              [](Result<kafka::Outputs>) {},
              [](kafka::Outputs, kafka::Delivered d) { d(Status{}); });
        }
      }
      (o.topic == kafka::kTasks ? ledger : requests).push_back(std::move(o));
    }
  }
  FanOutRun run;
  run.peak_outstanding = worker.gate().PeakBytes();
  std::lock_guard lock(mu);
  if (done && !done->ok()) {
    run.outputs = done->error();
    return run;
  }
  if (done) {
    for (auto& o : done->value()) (o.topic == kafka::kTasks ? ledger : requests).push_back(o);
  }
  for (auto& o : ledger) requests.push_back(std::move(o));
  if (done) {
    run.outputs = std::move(requests);
  } else {
    run.outputs = Error::Stop("done was not called; emitted " + std::to_string(requests.size()));
  }
  return run;
}

}  // namespace longforge::workers
