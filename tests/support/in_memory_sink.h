#pragma once
// The in-memory twin of the Kafka producer: records every message produced and
// completes each delivery at once (acknowledged or failed) or holds it until the test
// releases it.

#include <deque>
#include <mutex>
#include <vector>

#include "longforge/kafka/handler.h"
#include "longforge/kafka/message_sink.h"

namespace longforge::testing {

// Thread-safe. Delivery callbacks run on the thread that produces or releases.
class InMemorySink final : public kafka::MessageSink {
 public:
  enum class Delivery {
    kAcknowledge,  // at once, Ok (the default)
    kFail,         // at once, with the failure given to SetDelivery
    kHold,         // when the test calls Release
  };

  // How deliveries of messages produced from now on complete.
  void SetDelivery(Delivery delivery,
                   Error failure = Error::Retry("in-memory sink: delivery failed"));

  void Produce(const std::string& topic, std::string_view key, std::string_view value,
               DeliveryCallback callback) override;

  // Completes every held delivery, oldest first, with `status`; returns how many.
  std::size_t Release(Status status = Status::Ok());

  // Every message produced, in order, whatever became of its delivery.
  std::vector<kafka::OutMessage> produced() const;
  // The messages whose delivery was acknowledged, in order: what a reader would see.
  std::vector<kafka::OutMessage> delivered() const;
  std::size_t held() const;

 private:
  struct Held {
    kafka::OutMessage message;
    DeliveryCallback callback;
  };
  void Complete(Held held, const Status& status);

  mutable std::mutex mu_;
  Delivery delivery_ = Delivery::kAcknowledge;           // guarded by mu_
  Error failure_;                                        // guarded by mu_
  std::vector<kafka::OutMessage> produced_, delivered_;  // guarded by mu_
  std::deque<Held> held_;                                // guarded by mu_
};

}  // namespace longforge::testing
