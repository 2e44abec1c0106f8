#include "longforge/envelope/decisions.h"

namespace longforge::envelope {
namespace {

template <typename E, std::size_t N>
std::optional<E> Parse(std::string_view text, const std::array<E, N>& values) {
  for (E value : values) {
    if (text == ToString(value)) return value;
  }
  return std::nullopt;
}

}  // namespace

const char* ToString(RelevanceVerdict verdict) {
  switch (verdict) {
    case RelevanceVerdict::kRelevant:
      return "relevant";
    case RelevanceVerdict::kNone:
      return "none";
    case RelevanceVerdict::kFailed:
      return "failed";
    case RelevanceVerdict::kMalformed:
      return "malformed";
    case RelevanceVerdict::kUnjudged:
      return "unjudged";
    case RelevanceVerdict::kNotAsked:
      return "not_asked";
  }
  return "unknown";
}

const char* ToString(Decision decision) {
  switch (decision) {
    case Decision::kAccept:
      return "accept";
    case Decision::kReject:
      return "reject";
    case Decision::kReview:
      return "review";
  }
  return "unknown";
}

const char* ToString(Origin origin) {
  switch (origin) {
    case Origin::kSupplied:
      return "supplied";
    case Origin::kGenerated:
      return "generated";
  }
  return "unknown";
}

const char* ToString(Scope scope) {
  switch (scope) {
    case Scope::kLocal:
      return "local";
    case Scope::kGlobal:
      return "global";
  }
  return "unknown";
}

std::optional<RelevanceVerdict> ParseRelevanceVerdict(std::string_view text) {
  return Parse(text, kRelevanceVerdicts);
}

std::optional<Decision> ParseDecision(std::string_view text) { return Parse(text, kDecisions); }

std::optional<Origin> ParseOrigin(std::string_view text) { return Parse(text, kOrigins); }

std::optional<Scope> ParseScope(std::string_view text) { return Parse(text, kScopes); }

}  // namespace longforge::envelope
