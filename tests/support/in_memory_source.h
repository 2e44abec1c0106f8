#pragma once
// The in-memory twin of the Kafka consumer (leveldb's NewMemEnv is the model): the
// test queues messages, error events and rebalances; the run loop polls them; every
// commit is recorded.

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "longforge/kafka/message_source.h"

namespace longforge::testing {

// Thread-safe: a test may queue from its own thread while a loop polls on another.
class InMemorySource final : public kafka::MessageSource {
 public:
  // `listener` (may be null) hears of Assign and Revoke from inside Poll, as
  // librdkafka's rebalance callback runs inside its poll.
  explicit InMemorySource(kafka::RebalanceListener* listener = nullptr) : listener_(listener) {}

  // Queues a message as it is (the test picks its offset).
  void Push(kafka::InMessage message);
  // Queues a message at its partition's next offset (0, 1, ...) and returns that offset.
  int64_t Push(const std::string& topic, int32_t partition, std::string value,
               std::string key = "");
  // Queues an error event of the source (not about any message).
  void PushError(Error error);
  // Queues a rebalance, delivered to the listener by the Poll that reaches it.
  void Assign(std::vector<kafka::TopicPartition> partitions);
  void Revoke(std::vector<kafka::TopicPartition> partitions);

  // Delivers the rebalances at the head of the queue, then returns the next message
  // or error event; waits up to `timeout` (real time) for one to be queued.
  Polled Poll(std::chrono::milliseconds timeout) override;
  Status Commit(const std::map<kafka::TopicPartition, int64_t>& offsets) override;

  // The offset last committed for `tp` (the next one to read), if any was.
  std::optional<int64_t> Committed(const kafka::TopicPartition& tp) const;
  // Every Commit call's offsets, in order.
  std::vector<std::map<kafka::TopicPartition, int64_t>> commits() const;
  // Messages, error events and rebalances queued and not yet polled.
  std::size_t queued() const;

 private:
  struct Rebalance {
    bool assigned = false;
    std::vector<kafka::TopicPartition> partitions;
  };
  using Entry = std::variant<kafka::InMessage, Error, Rebalance>;
  void Queue(Entry entry);

  kafka::RebalanceListener* listener_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Entry> queue_;                                        // guarded by mu_
  std::map<kafka::TopicPartition, int64_t> next_offset_;           // guarded by mu_
  std::vector<std::map<kafka::TopicPartition, int64_t>> commits_;  // guarded by mu_
};

}  // namespace longforge::testing
