#pragma once
// Which offsets of a partition may be committed: everything below the oldest
// message still in flight. Messages finish out of order (LLM calls, tasks that
// gather many messages); the committed position only moves past a finished prefix.

#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include "longforge/kafka/message_source.h"

namespace longforge::kafka {

// Not thread-safe: owned by the run loop thread.
class OffsetTracker {
 public:
  void Started(const TopicPartition& tp, int64_t offset);
  void Finished(const TopicPartition& tp, int64_t offset);
  // Forgets a partition (revoked): its unfinished work will be redelivered elsewhere.
  void Forget(const TopicPartition& tp);
  bool Owns(const TopicPartition& tp) const { return parts_.contains(tp); }

  // Offsets to commit (next offset to read) for partitions whose committable position
  // moved past what MarkCommitted last recorded.
  std::map<TopicPartition, int64_t> PendingCommits() const;
  // Records a successful commit of `offsets`.
  void MarkCommitted(const std::map<TopicPartition, int64_t>& offsets);
  // Committable position of one partition, if any message of it was seen.
  std::optional<int64_t> Committable(const TopicPartition& tp) const;

 private:
  struct Partition {
    std::set<int64_t> in_flight;
    int64_t highest_seen = -1;
    int64_t last_committed = -1;
  };
  std::map<TopicPartition, Partition> parts_;
};

}  // namespace longforge::kafka
