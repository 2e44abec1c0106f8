#pragma once
// The pipeline's decisions as types. On the wire (and in the sink's output files) each
// is one of a few fixed strings; the envelope encoders and decoders are the only places
// that convert, so the C++ in between compares enums, and a message carrying any other
// string is a decode error (dead-lettered) rather than a silent fourth case.

#include <array>
#include <optional>
#include <string_view>

namespace longforge::envelope {

// The relevance stage's verdict on one chunk for one task (lf.relevance.results).
enum class RelevanceVerdict {
  kRelevant,   // the chunk holds sentences that help answer; they are the quotes
  kNone,       // nothing in the chunk helps
  kFailed,     // the chunk could not be judged (its error says why): unread
  kMalformed,  // the model's reply for this chunk could not be read: unread
  kUnjudged,   // no verdict was given (never written by a stage): unread
  kNotAsked,   // a level-1 task reads no chunk: the questioner sends it to the answer
               // stage in one result of this verdict, not to the relevance stage
};

// The filter's decision on an answer (lf.dataset: accept; lf.rejected: reject, review).
enum class Decision { kAccept, kReject, kReview };

// Where a task's question came from.
enum class Origin {
  kSupplied,   // submitted with the document
  kGenerated,  // written by the questioner from the document
};

// How much of a document a question needs (DESIGN's global questions).
enum class Scope {
  kLocal,   // a few passages answer it: Lv1/Lv2/Lv3 retrieve them
  kGlobal,  // it needs the whole document read: every relevant note, reduced in order
};

// "relevant", "none", "failed", "malformed", "unjudged".
const char* ToString(RelevanceVerdict verdict);
// "accept", "reject", "review".
const char* ToString(Decision decision);
// "supplied", "generated".
const char* ToString(Origin origin);
// "local", "global".
const char* ToString(Scope scope);

inline constexpr std::array kRelevanceVerdicts = {
    RelevanceVerdict::kRelevant,  RelevanceVerdict::kNone,     RelevanceVerdict::kFailed,
    RelevanceVerdict::kMalformed, RelevanceVerdict::kUnjudged, RelevanceVerdict::kNotAsked};
inline constexpr std::array kDecisions = {Decision::kAccept, Decision::kReject, Decision::kReview};
inline constexpr std::array kOrigins = {Origin::kSupplied, Origin::kGenerated};
inline constexpr std::array kScopes = {Scope::kLocal, Scope::kGlobal};

// Inverses of ToString; nullopt for any other string (case matters).
std::optional<RelevanceVerdict> ParseRelevanceVerdict(std::string_view text);
std::optional<Decision> ParseDecision(std::string_view text);
std::optional<Origin> ParseOrigin(std::string_view text);
std::optional<Scope> ParseScope(std::string_view text);

}  // namespace longforge::envelope
