#pragma once
// Lv1 keywords (DESIGN §1): the question's information part, without its instructions
// ("answer in English, in 200 words"), and search keywords for it in the document's
// language and in English, which join the BM25 query of the retriever.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/envelope/messages.h"
#include "longforge/llm/chat.h"

namespace longforge::workers {

struct Keywords {
  std::string information;            // the information part; the question when unknown
  std::vector<std::string> keywords;  // may be empty
  std::string source;                 // who made them, for the record's backend label
  envelope::LlmUsage usage;           // the calls spent on them
};

// Never fails: a source that cannot get keywords (LLM error, unusable reply) gives the
// question itself as the information part and no keywords, saying so in `source`.
class KeywordSource {
 public:
  using Callback = std::function<void(Keywords keywords)>;
  virtual ~KeywordSource() = default;
  virtual std::string Name() const = 0;
  // `document_opening` (may be empty) shows the document's language. Calls `done`
  // exactly once, maybe before returning, maybe later from another thread (so it must
  // be quick). Thread-safe.
  virtual void Extract(const std::string& question, const std::string& document_opening,
                       Callback done) = 0;
};

struct LlmKeywordOptions {
  std::string model;              // empty: the client's default model; default empty
  int max_tokens = 256;           // reply budget, tokens; default 256; 0 lets the server decide
  std::size_t max_keywords = 24;  // keywords kept from a reply; default 24
};

// Asks `client` (stage kKeywords, temperature 0) for a reply of two lines,
//   INFO: <information part>
//   KEYWORDS: <keyword>, <keyword>, ...
// parsed by ParseKeywordReply. `client` must outlive the source.
std::unique_ptr<KeywordSource> MakeLlmKeywordSource(llm::ChatClient& client,
                                                    LlmKeywordOptions options = {});

// The extractive baseline (no LLM): the question's content words (those the Analyzer
// keeps: no stop-words, punctuation or symbols), as written, each once, in order.
std::unique_ptr<KeywordSource> MakeExtractiveKeywordSource();

// Lenient reader of the reply format above: the prefixes are matched case-insensitively
// after leading spaces, list marks and markdown emphasis ("- **Keywords**:"); the last
// line of each kind wins (reasoning before the answer is ignored); keywords are split on
// , ; 、 ， ；, trimmed of spaces and quotes, de-duplicated, at most `max_keywords`.
// nullopt when the reply has neither line with content. A missing INFO line gives an
// empty `information`. Sets neither `source` nor `usage`.
std::optional<Keywords> ParseKeywordReply(std::string_view reply, std::size_t max_keywords = 24);

}  // namespace longforge::workers
