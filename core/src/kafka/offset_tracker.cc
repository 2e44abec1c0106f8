#include "longforge/kafka/offset_tracker.h"

#include <algorithm>

namespace longforge::kafka {

void OffsetTracker::Started(const TopicPartition& tp, int64_t offset) {
  auto& p = parts_[tp];
  p.in_flight.insert(offset);
  p.highest_seen = std::max(p.highest_seen, offset);
}

void OffsetTracker::Finished(const TopicPartition& tp, int64_t offset) {
  const auto it = parts_.find(tp);
  if (it != parts_.end()) it->second.in_flight.erase(offset);
}

void OffsetTracker::Forget(const TopicPartition& tp) { parts_.erase(tp); }

std::optional<int64_t> OffsetTracker::Committable(const TopicPartition& tp) const {
  const auto it = parts_.find(tp);
  if (it == parts_.end() || it->second.highest_seen < 0) return std::nullopt;
  const auto& p = it->second;
  return p.in_flight.empty() ? p.highest_seen + 1 : *p.in_flight.begin();
}

std::map<TopicPartition, int64_t> OffsetTracker::PendingCommits() const {
  std::map<TopicPartition, int64_t> out;
  for (const auto& [tp, p] : parts_) {
    const auto pos = Committable(tp);
    if (pos && *pos > p.last_committed) out[tp] = *pos;
  }
  return out;
}

void OffsetTracker::MarkCommitted(const std::map<TopicPartition, int64_t>& offsets) {
  for (const auto& [tp, offset] : offsets) {
    const auto it = parts_.find(tp);
    if (it != parts_.end()) it->second.last_committed = std::max(it->second.last_committed, offset);
  }
}

}  // namespace longforge::kafka
