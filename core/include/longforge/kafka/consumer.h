#pragma once
// A manual-commit consumer. Either joins a consumer group (scale-out: start more
// copies with the same group) or assigns itself every partition of its topics
// directly (the one-process `run`, where a group join would cost seconds).

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/common/handles.h"
#include "longforge/kafka/message_source.h"
#include "longforge/kafka/options.h"

namespace longforge::kafka {

struct ConsumerOptions {
  std::string group_id;               // consumer group; also used for offset commits
  std::vector<std::string> topics;    // input topics
  bool assign_directly = false;       // true: no group join, own every partition
  int statistics_interval_ms = 5000;  // librdkafka statistics (consumer lag); 0 = off
};

class Consumer final : public MessageSource {
 public:
  // Lag per topic, summed over this consumer's partitions; from librdkafka statistics.
  using LagCallback = std::function<void(const std::string& topic, int64_t lag)>;

  static Result<std::unique_ptr<Consumer>> Create(const KafkaOptions& kafka,
                                                  const ConsumerOptions& options,
                                                  RebalanceListener* listener, LagCallback on_lag);
  ~Consumer() override;
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // An error event comes back as a kRetry Error; partition EOF is disabled.
  Polled Poll(std::chrono::milliseconds timeout) override;
  Status Commit(const std::map<TopicPartition, int64_t>& offsets) override;

  // Leaves the group (revoking partitions) and closes. Idempotent.
  void Close();

 private:
  Consumer() = default;
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* parts, void* opaque);
  static int OnStatistics(rd_kafka_t* rk, char* json, size_t len, void* opaque);
  Status AssignAll(const std::vector<std::string>& topics, int64_t start_offset);

  KafkaHandle handle_;
  RebalanceListener* listener_ = nullptr;
  LagCallback on_lag_;
  bool closed_ = false;
};

}  // namespace longforge::kafka
