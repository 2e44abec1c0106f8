#pragma once
// The questioner's question source: given one reading chunk (or two distant chunks
// for a multi-hop question), write one question that can be answered from the whole
// document without seeing the chunk, with a short reference answer and the verbatim
// support. Implementations: ExtractiveQuestionGenerator (rules, no LLM) and
// LlmQuestionGenerator (stage "question").

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/envelope/decisions.h"

namespace longforge::workers {

// Question types. Single-chunk: fact, number, who, where, cause, comparison, summary,
// cloze (extractive only). Two chunks: multi-hop. The whole document (global, written
// from its map by rule): timeline, count, first_last.
inline constexpr std::string_view kMultiHop = "multi-hop";

struct SourceChunk {
  uint32_t index = 0;
  std::string text;  // the chunk's bytes from the document store
};

// Types written from the document's map by a generator that WritesFromMaps: how an
// entity changes (arc), two distant chapters (compare), an event and an earlier cause
// (causal). Their samples carry a brief of cards instead of chunks.
inline constexpr std::string_view kArc = "arc";
inline constexpr std::string_view kCompare = "compare";
inline constexpr std::string_view kCausal = "causal";
inline bool IsMapType(std::string_view type) {
  return type == kArc || type == kCompare || type == kCausal;
}

struct QuestionSample {
  std::string doc_id;
  std::string requested_type;       // a hint; the generator records the type it wrote
  std::vector<SourceChunk> chunks;  // one, or two far apart for multi-hop
  // Global types: the cards the question is written from, one per line in document
  // order ("[part K of N | chapter] gist Events: …"), what to write about, and the
  // chunks the cards describe.
  std::string brief = {};
  std::string subject = {};
  std::vector<uint32_t> brief_chunks = {};
};

struct GeneratedQuestion {
  std::string question;
  std::string reference;            // short reference answer
  std::vector<std::string> quotes;  // verbatim support found in the chunks
  std::string type;                 // see above
  std::vector<uint32_t> source_chunks;
  // Questions about the whole document (GlobalQuestionWriter): global, and the rule the
  // filter checks the answer with ("order", "number", "exact").
  envelope::Scope scope = envelope::Scope::kLocal;
  std::string verifier = {};
};

// What one sample gave: a question, or the reason there is none (counted, never a
// half record). Reasons are short fixed phrases: they become ledger notes.
struct GenerationOutcome {
  std::optional<GeneratedQuestion> question;
  std::string skipped;  // when !question, e.g. "broken reply", "no usable sentence"
};

class QuestionGenerator {
 public:
  // An Error means the unit of work failed (the LLM is down: kRetry, or kStop); its
  // disposition applies to the whole input message.
  using Callback = std::function<void(Result<GenerationOutcome>)>;

  virtual ~QuestionGenerator() = default;
  // "extractive (no LLM)" or "llm:<model>"; recorded in the ledger notes.
  virtual std::string Name() const = 0;
  // Whether Generate takes samples of the global types (arc, compare, causal) written
  // from a brief of the map's cards.
  virtual bool WritesFromMaps() const { return false; }
  // Thread-safe. `cb` runs exactly once, on the caller's thread (extractive) or on the
  // LLM client's thread; it must be quick and must not throw.
  virtual void Generate(QuestionSample sample, Callback cb) = 0;
};

}  // namespace longforge::workers
