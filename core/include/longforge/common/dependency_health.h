#pragma once
// Whether a server a stage cannot work without (its LLM) is up, judged from every
// attempt made to reach it rather than from any one call: it is down after
// `down_after` attempts in a row failed the way an absent or overwhelmed server fails
// (refused or timed-out connections, 408, 429, 5xx), until an attempt gets a real
// answer. The run loop keeps retrying, without counting, the messages that fail while
// it is down; `run` gives up after a long outage; /healthz reports it.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "longforge/common/clock.h"

namespace longforge {

class DependencyHealth {
 public:
  // An outage as seen so far.
  struct Outage {
    Clock::TimePoint since;  // the first failed attempt after the last answer
    uint64_t failures = 0;   // failed attempts since then
    std::string last_error;
  };

  // `name` names the server in every message ("LLM at http://10.0.0.5:8000/v1").
  // `down_after` >= 1: failed attempts in a row that make it down. `clock` must outlive
  // this object.
  explicit DependencyHealth(std::string name, int down_after = 3,
                            const Clock& clock = SteadyClock::Instance());

  // Thread-safe, a mutex each.
  void Answered();                      // an attempt got an answer (any but an outage's)
  void Failed(const std::string& why);  // an attempt failed as an outage would

  bool Up() const { return !Down().has_value(); }
  // The outage while down; nullopt while up.
  std::optional<Outage> Down() const;
  // Seconds since the outage began; 0 while up.
  double OutageSeconds() const;
  // "LLM at URL is down: 7 attempts failed in the last 12 s (last: connection refused)",
  // or empty while up.
  std::string Describe() const;
  const std::string& name() const { return name_; }

 private:
  const std::string name_;
  const uint64_t down_after_;
  const Clock& clock_;
  mutable std::mutex mu_;
  Outage current_;  // guarded by mu_; failures == 0 while the last attempt was answered
};

}  // namespace longforge
