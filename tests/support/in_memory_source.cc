#include "support/in_memory_source.h"

#include <utility>

namespace longforge::testing {

void InMemorySource::Queue(Entry entry) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(entry));
  }
  cv_.notify_all();
}

void InMemorySource::Push(kafka::InMessage message) { Queue(std::move(message)); }

int64_t InMemorySource::Push(const std::string& topic, int32_t partition, std::string value,
                             std::string key) {
  int64_t offset = 0;
  {
    std::lock_guard lock(mu_);
    offset = next_offset_[{topic, partition}]++;
  }
  Push({topic, partition, offset, std::move(key), std::move(value)});
  return offset;
}

void InMemorySource::PushError(Error error) { Queue(std::move(error)); }

void InMemorySource::Assign(std::vector<kafka::TopicPartition> partitions) {
  Queue(Rebalance{true, std::move(partitions)});
}

void InMemorySource::Revoke(std::vector<kafka::TopicPartition> partitions) {
  Queue(Rebalance{false, std::move(partitions)});
}

kafka::MessageSource::Polled InMemorySource::Poll(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return !queue_.empty(); });
  while (!queue_.empty()) {
    Entry entry = std::move(queue_.front());
    queue_.pop_front();
    if (auto* message = std::get_if<kafka::InMessage>(&entry)) {
      return std::optional<kafka::InMessage>(std::move(*message));
    }
    if (auto* error = std::get_if<Error>(&entry)) return std::move(*error);
    const auto& rebalance = std::get<Rebalance>(entry);
    if (listener_ == nullptr) continue;
    // The listener commits through this source: call it without the lock.
    lock.unlock();
    if (rebalance.assigned) {
      listener_->OnAssigned(rebalance.partitions);
    } else {
      listener_->OnRevoked(rebalance.partitions);
    }
    lock.lock();
  }
  return std::optional<kafka::InMessage>();
}

Status InMemorySource::Commit(const std::map<kafka::TopicPartition, int64_t>& offsets) {
  std::lock_guard lock(mu_);
  commits_.push_back(offsets);
  return {};
}

std::optional<int64_t> InMemorySource::Committed(const kafka::TopicPartition& tp) const {
  std::lock_guard lock(mu_);
  for (auto it = commits_.rbegin(); it != commits_.rend(); ++it) {
    if (const auto found = it->find(tp); found != it->end()) return found->second;
  }
  return std::nullopt;
}

std::vector<std::map<kafka::TopicPartition, int64_t>> InMemorySource::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

std::size_t InMemorySource::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace longforge::testing
