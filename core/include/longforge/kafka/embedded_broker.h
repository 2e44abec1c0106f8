#pragma once
// The embedded Kafka default: librdkafka's mock cluster on loopback TCP.
// Facts it is designed around: ports are random at each start, all state lives in
// this process's memory, each partition keeps only ~5 MiB and silently drops the
// oldest beyond that (so every stage bounds its backlog), and the admin API is not
// supported (topics are created through the mock API).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/common/handles.h"

namespace longforge::kafka {

// Kafka protocol request kinds (their ApiKey), for PushRequestErrors.
enum class KafkaRequest : int16_t { kProduce = 0, kFetch = 1 };

struct EmbeddedBrokerOptions {
  int brokers = 3;  // number of mock brokers (ids 1..N); default 3
  // Partition count for every lf.* topic; 0 keeps each topic's default (topics.h).
  int partitions = 0;

  std::vector<std::string> Validate() const;
};

class EmbeddedBroker {
 public:
  // Starts the cluster and creates every lf.* topic. Error (kStop) on failure.
  static Result<std::unique_ptr<EmbeddedBroker>> Start(const EmbeddedBrokerOptions& options);
  ~EmbeddedBroker();
  EmbeddedBroker(const EmbeddedBroker&) = delete;
  EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

  // The bootstrap.servers string, e.g. "127.0.0.1:40123,127.0.0.1:40125,…".
  const std::string& bootstraps() const { return bootstraps_; }

  // Number of brokers, ids 1..broker_count().
  int broker_count() const { return brokers_; }

  // Fault injection for reliability tests: take broker `id` (1-based) down or up.
  void SetBrokerDown(int id);
  void SetBrokerUp(int id);
  // Adds `rtt_ms` of round-trip delay to broker `id`.
  void SetBrokerRtt(int id, int rtt_ms);
  // The next errors.size() requests of kind `request` to any broker fail with these
  // errors, in order. RD_KAFKA_RESP_ERR__TRANSPORT makes the broker drop the connection.
  void PushRequestErrors(KafkaRequest request, const std::vector<rd_kafka_resp_err_t>& errors);

 private:
  EmbeddedBroker() = default;
  // A client whose configuration asks librdkafka for the mock cluster: the cluster
  // lives and dies with it (destroying a cluster made with rd_kafka_mock_cluster_new
  // took a full second here, 2.0.2, while its broker threads timed out).
  KafkaHandle handle_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;  // owned by handle_
  std::string bootstraps_;
  int brokers_ = 0;
};

}  // namespace longforge::kafka
