#include "support/in_memory_sink.h"

#include <utility>

namespace longforge::testing {

void InMemorySink::SetDelivery(Delivery delivery, Error failure) {
  std::lock_guard lock(mu_);
  delivery_ = delivery;
  failure_ = std::move(failure);
}

void InMemorySink::Complete(Held held, const Status& status) {
  if (status.ok()) {
    std::lock_guard lock(mu_);
    delivered_.push_back(held.message);
  }
  held.callback(status);
}

void InMemorySink::Produce(const std::string& topic, std::string_view key, std::string_view value,
                           DeliveryCallback callback) {
  Held held{{topic, std::string(key), std::string(value)}, std::move(callback)};
  Status outcome;
  {
    std::lock_guard lock(mu_);
    produced_.push_back(held.message);
    switch (delivery_) {
      case Delivery::kAcknowledge:
        break;
      case Delivery::kFail:
        outcome = failure_;
        break;
      case Delivery::kHold:
        held_.push_back(std::move(held));
        return;
    }
  }
  // Outside the lock: the callback may produce again (a dead-letter record).
  Complete(std::move(held), outcome);
}

std::size_t InMemorySink::Release(Status status) {
  std::deque<Held> released;
  {
    std::lock_guard lock(mu_);
    released.swap(held_);
  }
  for (auto& held : released) Complete(std::move(held), status);
  return released.size();
}

std::vector<kafka::OutMessage> InMemorySink::produced() const {
  std::lock_guard lock(mu_);
  return produced_;
}

std::vector<kafka::OutMessage> InMemorySink::delivered() const {
  std::lock_guard lock(mu_);
  return delivered_;
}

std::size_t InMemorySink::held() const {
  std::lock_guard lock(mu_);
  return held_.size();
}

}  // namespace longforge::testing
