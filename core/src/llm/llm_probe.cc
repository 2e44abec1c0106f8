#include "longforge/llm/llm_probe.h"

namespace longforge::llm {

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kRetry:
      return "retry";
    case Outcome::kError:
      return "error";
    case Outcome::kCacheHit:
      return "cache_hit";
  }
  return "unknown";
}

LlmProbe::LlmProbe(prometheus::Registry& registry) {
  // The registry's default Merge behaviour returns existing families, so a second
  // probe on the same registry shares the same time series instead of throwing.
  auto& requests = prometheus::BuildCounter()
                       .Name("longforge_llm_requests_total")
                       .Help("LLM requests by stage and outcome (retry counts attempts)")
                       .Register(registry);
  auto& seconds = prometheus::BuildHistogram()
                      .Name("longforge_llm_request_seconds")
                      .Help("LLM request latency from first attempt to answer, in seconds")
                      .Register(registry);
  auto& tokens = prometheus::BuildCounter()
                     .Name("longforge_llm_tokens_total")
                     .Help("Tokens used by LLM server calls, by stage and kind")
                     .Register(registry);
  auto& inflight = prometheus::BuildGauge()
                       .Name("longforge_llm_inflight_requests")
                       .Help("LLM HTTP requests currently in flight")
                       .Register(registry);
  // The gauge's name before the _requests unit was added; kept for one release so that
  // existing dashboards and alerts keep working.
  auto& inflight_old = prometheus::BuildGauge()
                           .Name("longforge_llm_inflight")
                           .Help("Deprecated alias of longforge_llm_inflight_requests")
                           .Register(registry);
  up_ = &prometheus::BuildGauge()
             .Name("longforge_llm_up")
             .Help("1 while the LLM server of a pipeline stage answers, 0 while it is down")
             .Register(registry);
  limit_ = &prometheus::BuildGauge()
                .Name("longforge_llm_concurrency_limit")
                .Help(
                    "Requests a pipeline stage's LLM client may keep on the wire now: "
                    "--llm-concurrency, lowered on overload (AIMD)")
                .Register(registry);
  // LLM calls take from tens of milliseconds to minutes.
  const prometheus::Histogram::BucketBoundaries buckets = {0.05, 0.1, 0.25, 0.5, 1,   2.5,
                                                           5,    10,  30,   60,  120, 300};
  constexpr Outcome kOutcomeList[kOutcomes] = {Outcome::kOk, Outcome::kRetry, Outcome::kError,
                                               Outcome::kCacheHit};
  for (CallKind kind : kCallKinds) {
    const std::string name = CallKindName(kind);
    PerKind& s = At(kind);
    for (Outcome outcome : kOutcomeList) {
      s.requests[static_cast<std::size_t>(outcome)] =
          &requests.Add({{"stage", name}, {"outcome", OutcomeName(outcome)}});
    }
    s.seconds = &seconds.Add({{"stage", name}}, buckets);
    s.prompt_tokens = &tokens.Add({{"stage", name}, {"kind", "prompt"}});
    s.completion_tokens = &tokens.Add({{"stage", name}, {"kind", "completion"}});
    s.inflight = &inflight.Add({{"stage", name}});
    s.inflight_old = &inflight_old.Add({{"stage", name}});
  }
}

void LlmProbe::AttemptStarted(CallKind kind) {
  At(kind).inflight->Increment();
  At(kind).inflight_old->Increment();
}

void LlmProbe::AttemptFinished(CallKind kind) {
  At(kind).inflight->Decrement();
  At(kind).inflight_old->Decrement();
}

void LlmProbe::Count(CallKind kind, Outcome outcome) {
  At(kind).requests[static_cast<std::size_t>(outcome)]->Increment();
}

void LlmProbe::Completed(CallKind kind, double seconds, int prompt_tokens, int completion_tokens) {
  PerKind& s = At(kind);
  s.seconds->Observe(seconds);
  s.prompt_tokens->Increment(prompt_tokens);
  s.completion_tokens->Increment(completion_tokens);
}

void LlmProbe::Up(PipelineStage stage, bool up) {
  auto& slot = up_by_stage_[static_cast<std::size_t>(stage)];
  prometheus::Gauge* gauge = slot.load();
  if (gauge == nullptr) {
    // Family::Add returns the existing series for the same labels, so a race here
    // stores the same pointer twice.
    gauge = &up_->Add({{"stage", StageName(stage)}});
    slot.store(gauge);
  }
  gauge->Set(up ? 1 : 0);
}

void LlmProbe::ConcurrencyLimit(PipelineStage stage, int limit) {
  auto& slot = limit_by_stage_[static_cast<std::size_t>(stage)];
  prometheus::Gauge* gauge = slot.load();
  if (gauge == nullptr) {
    gauge = &limit_->Add({{"stage", StageName(stage)}});
    slot.store(gauge);
  }
  gauge->Set(limit);
}

}  // namespace longforge::llm
