#pragma once
// Turns text into BM25 terms, the same way for documents and for queries, so that a
// question's words meet the chunk's words: ICU words (Chinese split into dictionary
// words), case-folded, stop-words dropped, Latin-script words Snowball-stemmed.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace longforge::text {

// Thread safety: NOT thread-safe — it owns an ICU word iterator and a Snowball stemmer,
// both of which keep per-call state, and a memo of stems (at most 65,536 words). Use one
// Analyzer per thread; they are cheap to move.
class Analyzer {
 public:
  // Throws std::runtime_error when ICU's break rules or the English stemmer cannot be
  // loaded (a start-up failure).
  Analyzer();
  ~Analyzer();
  Analyzer(Analyzer&&) noexcept;
  Analyzer& operator=(Analyzer&&) noexcept;

  // Terms of `text` (UTF-8; invalid bytes are skipped) in text order, repeats kept:
  // - words as ICU's word break gives them (letters, numbers, kana, ideographs);
  //   punctuation, symbols and spaces are dropped;
  // - full Unicode case folding ("Straße" -> "strasse");
  // - English and Chinese stop-words removed (checked after folding, before stemming);
  // - words written only in Latin script (U+0000–U+024F) are stemmed with Snowball
  //   English, after mapping the right single quote ’ to ' ("Pierre’s" -> "pierr");
  //   numbers and other scripts are kept as folded.
  std::vector<std::string> Analyze(std::string_view text);

  // Same as Analyze, appending to `terms` (lets callers reuse one vector).
  void AnalyzeInto(std::string_view text, std::vector<std::string>& terms);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The built-in stop-word lists (lower-case, UTF-8). Thread-safe.
bool IsStopWord(std::string_view folded_word);

}  // namespace longforge::text
