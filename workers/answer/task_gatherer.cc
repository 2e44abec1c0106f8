#include "workers/answer/task_gatherer.h"

namespace longforge::workers {

void TaskGatherer::Remember(const std::string& task_id) {
  if (!finished_.insert(task_id).second) return;
  finished_order_.push_back(task_id);
  if (finished_order_.size() - finished_head_ > remember_) {
    finished_.erase(finished_order_[finished_head_++]);
    if (finished_head_ > remember_) {  // compact occasionally
      finished_order_.erase(finished_order_.begin(),
                            finished_order_.begin() + static_cast<long>(finished_head_));
      finished_head_ = 0;
    }
  }
}

std::optional<GatheredTask> TaskGatherer::Add(envelope::RelevanceResult result, kafka::Done done,
                                              std::chrono::steady_clock::time_point now) {
  // A task sent up a level (--level auto) comes back under the same id.
  const std::string id = result.task.task_id + "@" + std::to_string(result.task.level);
  if (finished_.contains(id)) {
    done(kafka::Outputs{});
    return std::nullopt;
  }
  auto [it, inserted] = tasks_.try_emplace(id);
  GatheredTask& g = it->second;
  if (inserted) {
    g.task = result.task;
    g.chunk_count = result.chunk_count;
    g.first_seen = now;
  }
  if (result.verdict == envelope::RelevanceVerdict::kNotAsked) {
    g.not_asked = true;
    g.dones.push_back(std::move(done));
    GatheredTask complete = std::move(g);
    held_ -= complete.dones.size() - 1;  // earlier results of the same id, if any
    tasks_.erase(it);
    Remember(id);
    return complete;
  }
  const uint32_t index = result.chunk.index;
  if (g.results.contains(index)) {
    done(kafka::Outputs{});  // redelivered duplicate: no progress
    return std::nullopt;
  }
  g.last_progress = now;
  g.results.emplace(index, std::move(result));
  g.dones.push_back(std::move(done));
  ++held_;
  if (g.results.size() < g.chunk_count) return std::nullopt;
  held_ -= g.dones.size();
  GatheredTask complete = std::move(g);
  tasks_.erase(it);
  Remember(id);
  return complete;
}

std::vector<GatheredTask> TaskGatherer::TakeExpired(std::chrono::steady_clock::time_point now,
                                                    std::chrono::seconds timeout) {
  std::vector<GatheredTask> out;
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    if (now - it->second.last_progress >= timeout) {
      Remember(it->first);
      held_ -= it->second.dones.size();
      out.push_back(std::move(it->second));
      it = tasks_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

}  // namespace longforge::workers
