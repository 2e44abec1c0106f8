#include "longforge/kafka/embedded_broker.h"

#include <array>

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
  // The handle only anchors the cluster; it never talks to it.
  rd_kafka_conf_set(conf.get(), "log_level", "3", err.data(), err.size());
  broker->handle_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.release(), err.data(), err.size()));
  if (!broker->handle_) return Error::Stop(std::string("embedded broker: ") + err.data());
  broker->cluster_.reset(rd_kafka_mock_cluster_new(broker->handle_.get(), options.brokers));
  if (!broker->cluster_) return Error::Stop("embedded broker: could not start the mock cluster");
  for (const auto& topic : AllTopics()) {
    const int partitions = options.partitions > 0 ? options.partitions : topic.partitions;
    const auto rc = rd_kafka_mock_topic_create(broker->cluster_.get(), topic.name.c_str(),
                                               partitions, std::min(options.brokers, 3));
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Error::Stop("embedded broker: creating " + topic.name + ": " + rd_kafka_err2str(rc));
    }
  }
  broker->bootstraps_ = rd_kafka_mock_cluster_bootstraps(broker->cluster_.get());
  return broker;
}

EmbeddedBroker::~EmbeddedBroker() {
  cluster_.reset();  // the cluster must go before the handle it is bound to
  handle_.reset();
}

void EmbeddedBroker::SetBrokerDown(int id) { rd_kafka_mock_broker_set_down(cluster_.get(), id); }
void EmbeddedBroker::SetBrokerUp(int id) { rd_kafka_mock_broker_set_up(cluster_.get(), id); }
void EmbeddedBroker::SetBrokerRtt(int id, int rtt_ms) {
  rd_kafka_mock_broker_set_rtt(cluster_.get(), id, rtt_ms);
}

}  // namespace longforge::kafka
