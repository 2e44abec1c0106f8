#pragma once
// What the run loop reads from: input messages whose offsets it commits when their
// work is done. Consumer implements it over Kafka; tests use the in-memory twin
// (tests/support/in_memory_source.h).

#include <chrono>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/kafka/handler.h"

namespace longforge::kafka {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// Told about partition ownership changes; called from inside MessageSource::Poll, on
// the thread that polls.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual void OnAssigned(const std::vector<TopicPartition>& partitions) = 0;
  // Last chance to commit finished work for these partitions.
  virtual void OnRevoked(const std::vector<TopicPartition>& partitions) = 0;
};

// Not thread-safe: one thread polls and commits.
class MessageSource {
 public:
  // A message; nothing (none arrived within the timeout); or an error event of the
  // source, which is not about any message (the run loop logs it and polls again).
  using Polled = Result<std::optional<InMessage>>;

  virtual ~MessageSource() = default;
  // Waits up to `timeout` for the next message.
  virtual Polled Poll(std::chrono::milliseconds timeout) = 0;
  // Commits synchronously; an offset is the next message to read in its partition.
  virtual Status Commit(const std::map<TopicPartition, int64_t>& offsets) = 0;
};

}  // namespace longforge::kafka
