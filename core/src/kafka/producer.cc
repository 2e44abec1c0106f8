#include "longforge/kafka/producer.h"

#include <spdlog/spdlog.h>

#include <array>

#include "longforge/kafka/topics.h"

namespace longforge::kafka {

Result<std::unique_ptr<Producer>> Producer::Create(const KafkaOptions& options) {
  auto conf = MakeConf(options, Role::kProducer);
  if (!conf) return conf.error();
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &Producer::OnDelivery);
  std::array<char, 512> err{};
  std::unique_ptr<Producer> producer(new Producer());
  producer->handle_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf->release(), err.data(), err.size()));
  if (!producer->handle_) return Error::Stop(std::string("kafka producer: ") + err.data());
  producer->brokers_ = options.brokers;
  for (const auto& topic : AllTopics()) {
    // A lookup failure here only means the first message waits for it, as without.
    if (auto* rkt = rd_kafka_topic_new(producer->handle_.get(), topic.name.c_str(), nullptr)) {
      producer->topics_.emplace_back(rkt);
    }
  }
  producer->poller_ = std::thread([p = producer.get()] {
    while (!p->stopping_.load(std::memory_order_relaxed)) rd_kafka_poll(p->handle_.get(), 50);
  });
  return producer;
}

Producer::~Producer() {
  if (const int left = Flush(std::chrono::seconds(10)); left > 0) {
    spdlog::error("producer closing with {} undelivered messages (their inputs stay uncommitted)",
                  left);
  }
  stopping_ = true;
  rd_kafka_yield(handle_.get());  // ends the poll thread's current wait at once
  if (poller_.joinable()) poller_.join();
  topics_.clear();
  // Destroying the handle fails what is left; their callbacks run from rd_kafka_destroy.
  handle_.reset();
}

void Producer::OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* msg, void* /*opaque*/) {
  // Reclaims the callback that Produce() released into librdkafka's opaque.
  std::unique_ptr<DeliveryCallback> callback(static_cast<DeliveryCallback*>(msg->_private));
  if (!callback) return;
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    (*callback)(Status::Ok());
    return;
  }
  const std::string reason = std::string("delivery to ") + rd_kafka_topic_name(msg->rkt) +
                             " failed: " + rd_kafka_err2str(msg->err);
  (*callback)(msg->err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ? Error::DeadLetter(reason)
                                                               : Error::Retry(reason));
}

void Producer::Produce(const std::string& topic, std::string_view key, std::string_view value,
                       DeliveryCallback callback) {
  auto owned = std::make_unique<DeliveryCallback>(std::move(callback));
  for (;;) {
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        handle_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_OPAQUE(owned.get()), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      owned.release();  // now owned by librdkafka until OnDelivery
      return;
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(handle_.get(), 10);
      continue;
    }
    const std::string reason = "produce to " + topic + ": " + rd_kafka_err2str(err);
    (*owned)(err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ? Error::DeadLetter(reason)
                                                         : Error::Retry(reason));
    return;
  }
}

int Producer::Flush(std::chrono::milliseconds timeout) {
  rd_kafka_flush(handle_.get(), static_cast<int>(timeout.count()));
  return rd_kafka_outq_len(handle_.get());
}

}  // namespace longforge::kafka

namespace longforge::kafka {

Status Producer::CheckConnection(std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  const auto rc =
      rd_kafka_metadata(handle_.get(), 0, nullptr, &raw, static_cast<int>(timeout.count()));
  const KafkaMetadata md(raw);
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::Stop("cannot reach Kafka at " + brokers_ + " (" + rd_kafka_err2str(rc) +
                       " after " + std::to_string(timeout.count() / 1000) + " s)");
  }
  return {};
}

}  // namespace longforge::kafka
