#include "workers/questioner/fan_out_gate.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <random>

#include "longforge/kafka/topics.h"

namespace longforge::workers {

struct FanOutGate::Job {
  envelope::Release release;  // id; seq unused
  std::string key;
  std::string doc_id;
  bool urgent = false;
  envelope::ChunkTable table;
  std::vector<std::vector<envelope::Task>> groups;  // tasks sharing one request
  uint64_t total = 0;                               // chunks × groups
  uint64_t next = 0;                                // next seq to release
  std::vector<uint32_t> bytes;                      // by seq, once released
  std::vector<bool> credited;                       // by seq
  uint64_t credited_count = 0;
  std::size_t outstanding = 0;
  std::vector<kafka::Done> dones;
  kafka::Emit emit;
  std::optional<kafka::OutMessage> staged;  // Request(next), made and not yet released
  bool gone = false;                        // removed: finished or failed

  bool Finished() const { return next == total && credited_count == total; }

  kafka::OutMessage Request(uint64_t seq) const {
    const auto& chunk = table.chunks[seq / groups.size()];
    envelope::RelevanceRequest req;
    req.tasks = groups[seq % groups.size()];
    req.chunk = chunk;
    req.chunk_count = static_cast<uint32_t>(table.chunks.size());
    req.release = envelope::Release{release.id, seq};
    return {kafka::kRelevanceRequests, doc_id + ":" + std::to_string(chunk.index),
            envelope::Encode(req)};
  }
};

FanOutGate::FanOutGate(std::size_t max_bytes, QuestionerProbe* probe)
    : max_bytes_(max_bytes), probe_(probe), incarnation_(std::random_device{}()) {
  if (probe_) probe_->Limit(static_cast<double>(max_bytes_));
}

void FanOutGate::Add(FanOutPlan plan, kafka::Done done, kafka::Emit emit) {
  auto job = std::make_shared<Job>();
  job->key = std::move(plan.key);
  job->doc_id = std::move(plan.doc_id);
  job->urgent = plan.urgent;
  const std::size_t per = std::max<std::size_t>(1, plan.per_call);
  auto& tasks = plan.tasks;
  for (std::size_t i = 0; i < tasks.size(); i += per) {
    job->groups.emplace_back(tasks.begin() + static_cast<long>(i),
                             tasks.begin() + static_cast<long>(std::min(tasks.size(), i + per)));
  }
  job->total = job->groups.empty() ? 0 : plan.table.chunks.size() * job->groups.size();
  job->table = std::move(plan.table);
  job->bytes.assign(job->total, 0);
  job->credited.assign(job->total, false);
  job->dones.push_back(std::move(done));
  job->emit = std::move(emit);

  // A ledger goes out first and whatever happens: observers count its tasks.
  kafka::Outputs first;
  if (plan.ledger) {
    first.push_back({kafka::kTasks, plan.ledger->doc_id, envelope::Encode(*plan.ledger)});
  }
  std::move(plan.direct.begin(), plan.direct.end(), std::back_inserter(first));
  if (job->total == 0) return job->dones.front()(std::move(first));

  std::vector<Batch> batches;
  {
    std::lock_guard lock(mu_);
    for (const auto& other : jobs_) {
      if (other->key == job->key) {
        // The same fan-out again (a redelivery while it is under way): one fan-out
        // serves both messages.
        other->dones.push_back(std::move(job->dones.front()));
        return;
      }
    }
    job->release.id = fmt::format("{:08x}-{}", incarnation_, next_release_++);
    if (!first.empty()) batches.push_back({job, std::move(first)});
    if (job->urgent) {
      // Ahead of every document, behind earlier sub-questions.
      auto at = std::find_if(jobs_.begin(), jobs_.end(), [](const auto& j) { return !j->urgent; });
      jobs_.insert(at, job);
    } else {
      jobs_.push_back(job);
    }
    ReleaseLocked(batches);
  }
  Send(std::move(batches));
}

FanOutGate::CreditOutcome FanOutGate::Credit(const envelope::RelevanceCredit& credit) {
  std::vector<Batch> batches;
  std::vector<kafka::Done> finished;
  CreditOutcome outcome = CreditOutcome::kUnknown;
  {
    std::lock_guard lock(mu_);
    const auto it = std::find_if(jobs_.begin(), jobs_.end(), [&](const auto& j) {
      return j->release.id == credit.release.id && j->doc_id == credit.doc_id;
    });
    if (it != jobs_.end()) {
      const auto job = *it;
      const uint64_t seq = credit.release.seq;
      if (seq >= job->next || job->credited[seq]) {
        outcome = CreditOutcome::kDuplicate;  // twice, or never released: owes nothing
      } else {
        outcome = CreditOutcome::kReturned;
        job->credited[seq] = true;
        ++job->credited_count;
        job->outstanding -= job->bytes[seq];
        outstanding_ -= job->bytes[seq];
        if (job->Finished()) finished = Remove(job);
        ReleaseLocked(batches);
      }
    }
    if (probe_)
      probe_->FanOut(static_cast<double>(outstanding_), static_cast<double>(jobs_.size()));
  }
  if (probe_) {
    probe_->Credited(outcome == CreditOutcome::kReturned    ? "returned"
                     : outcome == CreditOutcome::kDuplicate ? "duplicate"
                                                            : "unknown");
  }
  for (auto& done : finished) done(kafka::Outputs{});
  Send(std::move(batches));
  return outcome;
}

void FanOutGate::ReleaseLocked(std::vector<Batch>& batches) {
  std::size_t released = 0;
  for (const auto& job : jobs_) {
    Batch* batch = nullptr;
    for (auto& b : batches) {
      if (b.job == job) batch = &b;
    }
    while (job->next < job->total) {
      if (!job->staged) job->staged = job->Request(job->next);
      const std::size_t size = job->staged->key.size() + job->staged->value.size();
      if (outstanding_ > 0 && outstanding_ + size > max_bytes_) break;
      job->bytes[job->next++] = static_cast<uint32_t>(size);
      job->outstanding += size;
      outstanding_ += size;
      if (batch == nullptr) batch = &batches.emplace_back(Batch{job, {}});
      batch->outputs.push_back(std::move(*job->staged));
      job->staged.reset();
      ++released;
    }
    if (job->next < job->total) break;  // first come, first served: the rest waits
  }
  peak_ = std::max(peak_, outstanding_);
  if (probe_) {
    probe_->Released(static_cast<double>(released));
    probe_->FanOut(static_cast<double>(outstanding_), static_cast<double>(jobs_.size()));
  }
}

void FanOutGate::Send(std::vector<Batch> batches) {
  for (auto& b : batches) {
    const std::shared_ptr<Job> job = b.job;
    job->emit(std::move(b.outputs), [this, job](Status s) { OnDelivered(job, s); });
  }
}

void FanOutGate::OnDelivered(const std::shared_ptr<Job>& job, const Status& status) {
  if (status.ok()) return;
  std::vector<kafka::Done> failed;
  std::vector<Batch> batches;
  {
    std::lock_guard lock(mu_);
    if (job->gone) return;
    spdlog::warn(
        "questioner: relevance requests of {} could not be delivered ({}); releasing "
        "the document again",
        job->doc_id, status.error().message);
    outstanding_ -= job->outstanding;
    job->outstanding = 0;
    failed = Remove(job);
    ReleaseLocked(batches);
  }
  for (auto& done : failed) {
    done(Error::Retry("relevance requests of " + job->doc_id +
                      " could not be delivered: " + status.error().message));
  }
  Send(std::move(batches));
}

std::vector<kafka::Done> FanOutGate::Remove(const std::shared_ptr<Job>& job) {
  job->gone = true;
  jobs_.erase(std::find(jobs_.begin(), jobs_.end(), job));
  return std::move(job->dones);
}

std::size_t FanOutGate::Pending() const {
  std::lock_guard lock(mu_);
  return jobs_.size();
}

std::size_t FanOutGate::Held() const {
  std::lock_guard lock(mu_);
  std::size_t held = 0;
  for (const auto& job : jobs_) held += job->dones.size();
  return held;
}

std::size_t FanOutGate::OutstandingBytes() const {
  std::lock_guard lock(mu_);
  return outstanding_;
}

std::size_t FanOutGate::PeakBytes() const {
  std::lock_guard lock(mu_);
  return peak_;
}

}  // namespace longforge::workers
