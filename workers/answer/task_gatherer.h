#pragma once
// Gathers the relevance results of each task until every chunk has reported.
// Holds the run loop's Done of every gathered message: a task's messages are
// finished together, the answer riding on the first, so their offsets are
// committed only once the answer is acknowledged (at-least-once across a crash:
// the restarted worker re-reads them and gathers again).

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "longforge/envelope/messages.h"
#include "longforge/kafka/handler.h"

namespace longforge::workers {

struct GatheredTask {
  envelope::Task task;
  uint32_t chunk_count = 0;
  bool not_asked = false;                                 // a level-1 task: no chunk was to be read
  std::map<uint32_t, envelope::RelevanceResult> results;  // by chunk index
  std::vector<kafka::Done> dones;  // one per gathered message, in arrival order
  std::chrono::steady_clock::time_point first_seen;
  std::chrono::steady_clock::time_point last_progress;  // when a new chunk's result came
};

// Not thread-safe: used from the run loop thread only.
class TaskGatherer {
 public:
  // `remember` = how many finished task ids are kept to recognise late duplicates.
  explicit TaskGatherer(std::size_t remember = 100000) : remember_(remember) {}

  // Adds one result. Returns the task when this result completed it. A result for a
  // chunk already seen, or for a task already finished, is finished at once (empty).
  // A not_asked result (a level-1 task) completes its task alone. Tasks are told apart
  // by id and level: a task the filter sent one level up is gathered again.
  std::optional<GatheredTask> Add(envelope::RelevanceResult result, kafka::Done done,
                                  std::chrono::steady_clock::time_point now);
  // Tasks that made no progress (no new chunk's result) for `timeout`: taken out to be
  // answered from what they have, the rest of their chunks counted as lost. A task
  // whose results keep coming never expires, however long the document.
  std::vector<GatheredTask> TakeExpired(std::chrono::steady_clock::time_point now,
                                        std::chrono::seconds timeout);
  std::size_t gathering() const { return tasks_.size(); }
  // Messages whose Done a still-gathering task holds: recorded, waiting only for the
  // rest of their task (the run loop's Handler::Parked()).
  std::size_t held() const { return held_; }

 private:
  void Remember(const std::string& task_id);
  std::size_t remember_;
  std::unordered_map<std::string, GatheredTask> tasks_;
  std::size_t held_ = 0;  // sum of dones.size() over tasks_
  std::set<std::string> finished_;
  std::vector<std::string> finished_order_;
  std::size_t finished_head_ = 0;
};

}  // namespace longforge::workers
