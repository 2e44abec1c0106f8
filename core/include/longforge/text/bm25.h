#pragma once
// Okapi BM25 over a fixed set of documents (the retrieval chunks of one task): indexed
// once, then queried many times (keywords, quotes, sub-questions).
//
// Scores match rank_bm25's BM25Okapi, the reference implementation's engine:
//   idf(t)   = ln((N - n(t) + 0.5) / (n(t) + 0.5)), N documents, n(t) containing t;
//              every negative idf is replaced by epsilon * (mean idf over all indexed
//              terms, negative ones included, before flooring); zero stays zero;
//   score(d) = sum over query terms q of
//              idf(q) * f(q,d) * (k1 + 1) / (f(q,d) + k1 * (1 - b + b * |d| / avgdl)),
//              f = occurrences of q in d, |d| = terms in d, avgdl = mean |d|.
// A term repeated in the query is summed once per occurrence (rank_bm25 loops over the
// query list as given); a term absent from the index adds nothing.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "longforge/common/error.h"

namespace longforge::text {

class Analyzer;

struct Bm25Options {
  double k1 = 1.5;        // term-frequency saturation, >= 0; default 1.5
  double b = 0.75;        // length normalisation, in [0, 1]; default 0.75
  double epsilon = 0.25;  // negative-idf floor as a fraction of mean idf, >= 0; default 0.25

  // Reports every problem at once; DeadLetter disposition.
  std::vector<std::string> Validate() const;
};

struct Bm25Hit {
  std::size_t doc = 0;  // index of the document in the order it was indexed
  double score = 0.0;

  friend bool operator==(const Bm25Hit&, const Bm25Hit&) = default;
};

// Immutable once built. Thread safety: const methods may be called from any number of
// threads at once. Memory: one (doc, frequency) pair per distinct term per document.
class Bm25Index {
 public:
  // Indexes `docs`, each a list of terms (as Analyzer produces them). Throws
  // std::invalid_argument if !options.Validate().ok() (a caller bug).
  explicit Bm25Index(std::span<const std::vector<std::string>> docs,
                     const Bm25Options& options = {});

  // Analyzes each text with `analyzer` (see Analyzer for its thread-safety rule), then
  // indexes the terms.
  static Bm25Index FromTexts(std::span<const std::string_view> texts, Analyzer& analyzer,
                             const Bm25Options& options = {});

  // The min(top_k, size()) best documents, by score descending then document index
  // ascending. Like rank_bm25's get_top_n, documents that match no query term are
  // ranked too (score 0): callers wanting matches only keep hits with score > 0.
  std::vector<Bm25Hit> Query(const std::vector<std::string>& terms, std::size_t top_k) const;

  // Every document's score, indexed by document (rank_bm25's get_scores).
  std::vector<double> Scores(const std::vector<std::string>& terms) const;

  // idf of a term after flooring; 0 for a term not in the index.
  double Idf(std::string_view term) const;

  std::size_t size() const { return doc_norm_.size(); }
  std::size_t vocabulary_size() const { return idf_.size(); }

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Term id of `term`, or -1.
  std::int64_t Find(std::string_view term) const;
  void AddScores(std::string_view term, std::vector<double>& scores) const;

  Bm25Options options_;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> ids_;
  std::vector<double> idf_;                  // by term id
  std::vector<std::size_t> postings_begin_;  // by term id, size vocabulary + 1
  std::vector<std::uint32_t> posting_doc_;   // documents containing the term, ascending
  std::vector<std::uint32_t> posting_freq_;  // occurrences in that document
  std::vector<double> doc_norm_;             // k1 * (1 - b + b * |d| / avgdl), by document
};

}  // namespace longforge::text
