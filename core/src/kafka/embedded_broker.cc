#include "longforge/kafka/embedded_broker.h"

#include <array>
#include <utility>

#include "longforge/kafka/topics.h"

namespace longforge::kafka {

std::vector<std::string> EmbeddedBrokerOptions::Validate() const {
  std::vector<std::string> problems;
  if (brokers < 1 || brokers > 16) problems.emplace_back("--mock-brokers must be 1..16");
  if (partitions < 0 || partitions > 256) problems.emplace_back("--partitions must be 0..256");
  return problems;
}

Result<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::Start(
    const EmbeddedBrokerOptions& options) {
  std::unique_ptr<EmbeddedBroker> broker(new EmbeddedBroker());
  KafkaConf conf(rd_kafka_conf_new());
  std::array<char, 512> err{};
  const std::vector<std::pair<std::string, std::string>> props = {
      {"test.mock.num.brokers", std::to_string(options.brokers)},
      {"log_level", "3"},
      // The handle's own metadata requests wake the mock cluster's thread; without
      // that, a topic creation sometimes waited a full second for it (librdkafka 2.0.2,
      // 1 start in ~10), with it at most this interval (measured: 40 starts).
      {"topic.metadata.refresh.interval.ms", "50"},
  };
  for (const auto& [key, value] : props) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), err.data(), err.size()) !=
        RD_KAFKA_CONF_OK) {
      return Error::Stop("embedded broker: " + key + ": " + err.data());
    }
  }
  broker->handle_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.release(), err.data(), err.size()));
  if (!broker->handle_) return Error::Stop(std::string("embedded broker: ") + err.data());
  broker->cluster_ = rd_kafka_handle_mock_cluster(broker->handle_.get());
  if (broker->cluster_ == nullptr) {
    return Error::Stop("embedded broker: could not start the mock cluster");
  }
  for (const auto& topic : AllTopics()) {
    const int partitions = options.partitions > 0 ? options.partitions : topic.partitions;
    const auto rc = rd_kafka_mock_topic_create(broker->cluster_, topic.name.c_str(), partitions,
                                               std::min(options.brokers, 3));
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Error::Stop("embedded broker: creating " + topic.name + ": " + rd_kafka_err2str(rc));
    }
  }
  broker->bootstraps_ = rd_kafka_mock_cluster_bootstraps(broker->cluster_);
  broker->brokers_ = options.brokers;
  return broker;
}

EmbeddedBroker::~EmbeddedBroker() = default;  // handle_ takes its cluster with it

void EmbeddedBroker::SetBrokerDown(int id) { rd_kafka_mock_broker_set_down(cluster_, id); }
void EmbeddedBroker::SetBrokerUp(int id) { rd_kafka_mock_broker_set_up(cluster_, id); }
void EmbeddedBroker::SetBrokerRtt(int id, int rtt_ms) {
  rd_kafka_mock_broker_set_rtt(cluster_, id, rtt_ms);
}

void EmbeddedBroker::PushRequestErrors(KafkaRequest request,
                                       const std::vector<rd_kafka_resp_err_t>& errors) {
  rd_kafka_mock_push_request_errors_array(cluster_, static_cast<int16_t>(request), errors.size(),
                                          errors.data());
}

}  // namespace longforge::kafka
