#include "longforge/text/bm25.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "longforge/text/analyzer.h"

namespace longforge::text {

std::vector<std::string> Bm25Options::Validate() const {
  std::vector<std::string> problems;
  const auto add = [&](std::string p) { problems.push_back(std::move(p)); };
  if (!(k1 >= 0.0) || !std::isfinite(k1)) {
    add("k1 must be a finite number >= 0");
  }
  if (!(b >= 0.0 && b <= 1.0)) {
    add("b must be in [0, 1]");
  }
  if (!(epsilon >= 0.0) || !std::isfinite(epsilon)) {
    add("epsilon must be a finite number >= 0");
  }
  return problems;
}

Bm25Index::Bm25Index(std::span<const std::vector<std::string>> docs, const Bm25Options& options)
    : options_(options) {
  if (const Status valid = InvalidOptions("bm25 options", options.Validate()); !valid.ok()) {
    throw std::invalid_argument(valid.error().message);
  }
  const std::size_t n_docs = docs.size();

  // Term frequencies per document, as (term id, doc, frequency) in document order.
  struct Entry {
    std::uint32_t term;
    std::uint32_t doc;
    std::uint32_t freq;
  };
  std::vector<Entry> entries;
  std::vector<std::uint32_t> counts;  // by term id, zero between documents
  std::vector<std::uint32_t> touched;
  std::vector<std::size_t> lengths(n_docs);
  std::size_t total_length = 0;
  for (std::size_t d = 0; d < n_docs; ++d) {
    for (const std::string& term : docs[d]) {
      const auto [it, added] = ids_.try_emplace(term, static_cast<std::uint32_t>(ids_.size()));
      if (added) {
        counts.push_back(0);
      }
      if (counts[it->second]++ == 0) {
        touched.push_back(it->second);
      }
    }
    for (std::uint32_t id : touched) {
      entries.push_back({id, static_cast<std::uint32_t>(d), counts[id]});
      counts[id] = 0;
    }
    touched.clear();
    lengths[d] = docs[d].size();
    total_length += docs[d].size();
  }

  // Postings in CSR form: a counting sort of the entries by term keeps documents ascending.
  const std::size_t vocabulary = ids_.size();
  postings_begin_.assign(vocabulary + 1, 0);
  for (const Entry& e : entries) {
    ++postings_begin_[e.term + 1];
  }
  std::partial_sum(postings_begin_.begin(), postings_begin_.end(), postings_begin_.begin());
  posting_doc_.resize(entries.size());
  posting_freq_.resize(entries.size());
  std::vector<std::size_t> fill(postings_begin_.begin(), postings_begin_.end() - 1);
  for (const Entry& e : entries) {
    const std::size_t at = fill[e.term]++;
    posting_doc_[at] = e.doc;
    posting_freq_[at] = e.freq;
  }

  const double avgdl =
      n_docs == 0 ? 0.0 : static_cast<double>(total_length) / static_cast<double>(n_docs);
  doc_norm_.resize(n_docs);
  for (std::size_t d = 0; d < n_docs; ++d) {
    // With avgdl 0 every document is empty and has no postings; avoid 0/0.
    const double relative = avgdl > 0.0 ? static_cast<double>(lengths[d]) / avgdl : 0.0;
    doc_norm_[d] = options_.k1 * (1.0 - options_.b + options_.b * relative);
  }

  idf_.resize(vocabulary);
  double idf_sum = 0.0;
  for (std::size_t t = 0; t < vocabulary; ++t) {
    const auto df = static_cast<double>(postings_begin_[t + 1] - postings_begin_[t]);
    idf_[t] = std::log(static_cast<double>(n_docs) - df + 0.5) - std::log(df + 0.5);
    idf_sum += idf_[t];
  }
  if (vocabulary > 0) {
    const double floor = options_.epsilon * idf_sum / static_cast<double>(vocabulary);
    for (double& idf : idf_) {
      if (idf < 0.0) {
        idf = floor;
      }
    }
  }
}

Bm25Index Bm25Index::FromTexts(std::span<const std::string_view> texts, Analyzer& analyzer,
                               const Bm25Options& options) {
  std::vector<std::vector<std::string>> docs;
  docs.reserve(texts.size());
  for (std::string_view text : texts) {
    docs.push_back(analyzer.Analyze(text));
  }
  return Bm25Index(docs, options);
}

std::int64_t Bm25Index::Find(std::string_view term) const {
  const auto it = ids_.find(term);
  return it == ids_.end() ? -1 : static_cast<std::int64_t>(it->second);
}

double Bm25Index::Idf(std::string_view term) const {
  const std::int64_t id = Find(term);
  return id < 0 ? 0.0 : idf_[static_cast<std::size_t>(id)];
}

void Bm25Index::AddScores(std::string_view term, std::vector<double>& scores) const {
  const std::int64_t id = Find(term);
  if (id < 0) {
    return;
  }
  const auto t = static_cast<std::size_t>(id);
  const double idf = idf_[t];
  const double k1_plus_1 = options_.k1 + 1.0;
  for (std::size_t p = postings_begin_[t]; p < postings_begin_[t + 1]; ++p) {
    const double f = posting_freq_[p];
    const std::uint32_t d = posting_doc_[p];
    scores[d] += idf * (f * k1_plus_1 / (f + doc_norm_[d]));
  }
}

std::vector<double> Bm25Index::Scores(const std::vector<std::string>& terms) const {
  std::vector<double> scores(size(), 0.0);
  for (const std::string& term : terms) {
    AddScores(term, scores);
  }
  return scores;
}

std::vector<Bm25Hit> Bm25Index::Query(const std::vector<std::string>& terms,
                                      std::size_t top_k) const {
  const std::vector<double> scores = Scores(terms);
  std::vector<std::uint32_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0u);
  const std::size_t k = std::min(top_k, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](std::uint32_t a, std::uint32_t b) {
                      return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
                    });
  std::vector<Bm25Hit> hits;
  hits.reserve(k);
  for (std::size_t i = 0; i < k; ++i) {
    hits.push_back({order[i], scores[order[i]]});
  }
  return hits;
}

}  // namespace longforge::text
