#pragma once
// An idempotent, acks=all producer with per-message delivery callbacks.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/common/handles.h"
#include "longforge/kafka/message_sink.h"
#include "longforge/kafka/options.h"

namespace longforge::kafka {

// Delivery callbacks run on the producer's own poll thread (or, when librdkafka
// refuses a message outright, inside Produce).
class Producer final : public MessageSink {
 public:
  static Result<std::unique_ptr<Producer>> Create(const KafkaOptions& options);
  // Flushes what is queued (up to 10 s) and stops the poll thread.
  ~Producer() override;
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Waits (polling) while librdkafka's local queue is full, so a fast caller is slowed
  // down rather than failed.
  void Produce(const std::string& topic, std::string_view key, std::string_view value,
               DeliveryCallback callback) override;

  // Waits until every queued message is delivered or `timeout` passes; returns how
  // many are still outstanding (0 = all delivered).
  int Flush(std::chrono::milliseconds timeout);

  // Asks the cluster for metadata: kStop error naming the brokers when none answers
  // within `timeout` (a clear message instead of messages timing out much later).
  Status CheckConnection(std::chrono::milliseconds timeout);

 private:
  Producer() = default;
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);

  KafkaHandle handle_;
  // One handle per longforge topic, made at start: each asks for its topic's leaders at
  // once, so a stage's first message does not wait for that lookup (measured: 50-140 ms
  // per hop on a fresh process). Released before handle_.
  std::vector<KafkaTopic> topics_;
  std::string brokers_;
  std::atomic<bool> stopping_{false};
  std::thread poller_;
};

}  // namespace longforge::kafka
