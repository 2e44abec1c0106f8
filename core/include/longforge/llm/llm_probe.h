#pragma once
// Metrics of the LLM edge. One probe per registry, shared by every client that reports
// to it (HttpChatClient, CachingChatClient): the families are created once, here.

#include <array>
#include <atomic>
#include <cstddef>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "longforge/common/stage.h"
#include "longforge/llm/chat.h"

namespace longforge::llm {

// The outcome label of longforge_llm_requests_total.
enum class Outcome {
  kOk,        // a request answered by the server
  kRetry,     // a failed attempt that will be tried again (counted per attempt)
  kError,     // a request that finally failed
  kCacheHit,  // a request answered from the response cache
};

const char* OutcomeName(Outcome outcome);

// Exposes:
//   longforge_llm_requests_total{stage,outcome}
//   longforge_llm_request_seconds{stage}   (first attempt to final answer, incl. retries)
//   longforge_llm_tokens_total{stage,kind} (kind: prompt|completion; server calls only)
//   longforge_llm_inflight_requests{stage} (HTTP requests currently on the wire; also as
//                                           longforge_llm_inflight, its old name, for
//                                           one release)
// where `stage` is the CallKindName of the call, and
//   longforge_llm_up{stage}                (1 while the LLM server of that pipeline stage
//                                           answers, 0 while it is down: see
//                                           DependencyHealth)
//   longforge_llm_concurrency_limit{stage} (requests its client may keep on the wire:
//                                           --llm-concurrency, lowered on overload)
// where `stage` is the pipeline stage (StageName) whose client reports it, created when
// that client starts. The other label combinations are created up front, so recording
// is a few atomic adds.
// Thread-safe. Must outlive the clients that point to it.
class LlmProbe {
 public:
  explicit LlmProbe(prometheus::Registry& registry);
  LlmProbe(const LlmProbe&) = delete;
  LlmProbe& operator=(const LlmProbe&) = delete;

  void AttemptStarted(CallKind kind);
  void AttemptFinished(CallKind kind);
  void Count(CallKind kind, Outcome outcome);
  // A finished server request: its latency in seconds and the tokens it used.
  void Completed(CallKind kind, double seconds, int prompt_tokens, int completion_tokens);
  // Sets longforge_llm_up{stage} (creating it on first use).
  void Up(PipelineStage stage, bool up);
  // Sets longforge_llm_concurrency_limit{stage} (creating it on first use).
  void ConcurrencyLimit(PipelineStage stage, int limit);

 private:
  static constexpr std::size_t kKinds = kCallKinds.size();
  static constexpr std::size_t kOutcomes = 4;

  struct PerKind {
    std::array<prometheus::Counter*, kOutcomes> requests{};
    prometheus::Histogram* seconds = nullptr;
    prometheus::Counter* prompt_tokens = nullptr;
    prometheus::Counter* completion_tokens = nullptr;
    prometheus::Gauge* inflight = nullptr;
    prometheus::Gauge* inflight_old = nullptr;  // the deprecated name
  };

  PerKind& At(CallKind kind) { return kinds_[static_cast<std::size_t>(kind)]; }

  std::array<PerKind, kKinds> kinds_;
  prometheus::Family<prometheus::Gauge>* up_ = nullptr;
  std::array<std::atomic<prometheus::Gauge*>, kPipelineStages.size()> up_by_stage_{};
  prometheus::Family<prometheus::Gauge>* limit_ = nullptr;
  std::array<std::atomic<prometheus::Gauge*>, kPipelineStages.size()> limit_by_stage_{};
};

}  // namespace longforge::llm
