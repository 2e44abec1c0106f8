#pragma once
// Metrics of the answer stage: how completely its tasks read their documents.

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "longforge/envelope/messages.h"

namespace longforge::workers {

// Exposes:
//   longforge_answer_tasks_total{reading}        gathered tasks, reading="complete" (every
//                                                chunk read) or "incomplete"
//   longforge_answer_chunks_unread_total{why}    chunks a task did not read, why="lost",
//                                                "failed" or "malformed" (AnswerRecord)
//   longforge_answer_tasks_gathering             tasks still waiting for chunk results
// Every label value is created up front. Thread-safe; must outlive the worker.
class AnswerProbe {
 public:
  explicit AnswerProbe(prometheus::Registry& registry)
      : tasks_(prometheus::BuildCounter()
                   .Name("longforge_answer_tasks_total")
                   .Help("Tasks whose chunk results were gathered, by whether every chunk was read")
                   .Register(registry)),
        unread_(prometheus::BuildCounter()
                    .Name("longforge_answer_chunks_unread_total")
                    .Help("Chunks a task did not read, by why")
                    .Register(registry)),
        complete_(tasks_.Add({{"reading", "complete"}})),
        incomplete_(tasks_.Add({{"reading", "incomplete"}})),
        lost_(unread_.Add({{"why", "lost"}})),
        failed_(unread_.Add({{"why", "failed"}})),
        malformed_(unread_.Add({{"why", "malformed"}})),
        gathering_(prometheus::BuildGauge()
                       .Name("longforge_answer_tasks_gathering")
                       .Help("Tasks waiting for the rest of their chunk results")
                       .Register(registry)
                       .Add({})) {}
  AnswerProbe(const AnswerProbe&) = delete;
  AnswerProbe& operator=(const AnswerProbe&) = delete;

  void Gathered(const envelope::AnswerRecord& record) {
    (record.chunks_unread() == 0 ? complete_ : incomplete_).Increment();
    lost_.Increment(record.chunks_lost);
    failed_.Increment(record.chunks_failed);
    malformed_.Increment(record.chunks_malformed);
  }
  void Gathering(std::size_t tasks) { gathering_.Set(static_cast<double>(tasks)); }

 private:
  prometheus::Family<prometheus::Counter>& tasks_;
  prometheus::Family<prometheus::Counter>& unread_;
  prometheus::Counter& complete_;
  prometheus::Counter& incomplete_;
  prometheus::Counter& lost_;
  prometheus::Counter& failed_;
  prometheus::Counter& malformed_;
  prometheus::Gauge& gathering_;
};

}  // namespace longforge::workers
