#pragma once
// Metrics of the model-backed relevance judge.

#include <array>
#include <cstddef>
#include <cstdint>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

namespace longforge::workers {

// How the reply for one question ended.
enum class ReplyOutcome {
  kRelevant,   // at least one quote survived the grounding guard
  kNone,       // NONE, or every quote was dropped
  kMalformed,  // the reply (or this question's block) could not be read; judged none
  kFailed,     // the LLM call failed after the client's retries
};

inline const char* ReplyOutcomeName(ReplyOutcome outcome) {
  switch (outcome) {
    case ReplyOutcome::kRelevant:
      return "relevant";
    case ReplyOutcome::kNone:
      return "none";
    case ReplyOutcome::kMalformed:
      return "malformed";
    case ReplyOutcome::kFailed:
      return "failed";
  }
  return "unknown";
}

// Exposes:
//   longforge_relevance_replies_total{outcome}  one per question sent to the model (a call with K
//                                               questions counts K), outcome as above
//   longforge_relevance_quotes_dropped_total    quotes the grounding guard dropped
//   longforge_relevance_quotes_repaired_total   quotes kept by aligning them with the chunk
// Every label value is created up front. Thread-safe; must outlive the judges using it.
class RelevanceProbe {
 public:
  explicit RelevanceProbe(prometheus::Registry& registry) {
    auto& replies = prometheus::BuildCounter()
                        .Name("longforge_relevance_replies_total")
                        .Help("Relevance judgements of the LLM judge, by outcome")
                        .Register(registry);
    for (ReplyOutcome o : {ReplyOutcome::kRelevant, ReplyOutcome::kNone, ReplyOutcome::kMalformed,
                           ReplyOutcome::kFailed}) {
      replies_[static_cast<std::size_t>(o)] = &replies.Add({{"outcome", ReplyOutcomeName(o)}});
    }
    dropped_ = &prometheus::BuildCounter()
                    .Name("longforge_relevance_quotes_dropped_total")
                    .Help("Quoted sentences dropped because they do not occur in the chunk")
                    .Register(registry)
                    .Add({});
    repaired_ = &prometheus::BuildCounter()
                     .Name("longforge_relevance_quotes_repaired_total")
                     .Help(
                         "Quoted sentences not copied verbatim, kept as the chunk's own text "
                         "by aligning them with it")
                     .Register(registry)
                     .Add({});
  }
  RelevanceProbe(const RelevanceProbe&) = delete;
  RelevanceProbe& operator=(const RelevanceProbe&) = delete;

  void Reply(ReplyOutcome outcome) { replies_[static_cast<std::size_t>(outcome)]->Increment(); }
  void QuotesDropped(uint32_t n) {
    if (n > 0) dropped_->Increment(static_cast<double>(n));
  }
  void QuotesRepaired(uint32_t n) {
    if (n > 0) repaired_->Increment(static_cast<double>(n));
  }

 private:
  std::array<prometheus::Counter*, 4> replies_{};
  prometheus::Counter* dropped_ = nullptr;
  prometheus::Counter* repaired_ = nullptr;
};

}  // namespace longforge::workers
