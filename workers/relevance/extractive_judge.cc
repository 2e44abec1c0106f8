#include "workers/relevance/extractive_judge.h"

#include "longforge/common/strings.h"
#include "longforge/text/mentions.h"

#include <algorithm>
#include <set>

namespace longforge::workers {

ExtractiveJudge::ExtractiveJudge(ExtractiveJudgeOptions options) : options_(options) {}

Judgement ExtractiveJudge::JudgeOne(std::string_view chunk,
                                    const std::vector<text::Span>& sentences,
                                    const std::vector<std::vector<std::string>>& sentence_terms,
                                    const std::string& question) {
  if (auto phrases = text::QuotedPhrases(question); !phrases.empty()) {
    return JudgeQuoted(chunk, sentences, sentence_terms, phrases);
  }
  const auto q = analyzer_.Analyze(question);
  const std::set<std::string> qterms(q.begin(), q.end());
  Judgement j;
  j.verdict = envelope::RelevanceVerdict::kNone;
  if (qterms.empty()) return j;
  std::vector<std::pair<std::size_t, std::size_t>> scored;  // (shared terms, sentence)
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    std::set<std::string> shared;
    for (const auto& t : sentence_terms[i]) {
      if (qterms.contains(t)) shared.insert(t);
    }
    const double share = double(shared.size()) / double(qterms.size());
    if (shared.size() >= options_.min_shared && share >= options_.min_overlap) {
      scored.emplace_back(shared.size(), i);
    }
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  if (scored.size() > options_.max_quotes) scored.resize(options_.max_quotes);
  std::sort(scored.begin(), scored.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& [shared, i] : scored) {
    const auto quote = TrimAsciiSpace(sentences[i].In(chunk));
    if (!quote.empty()) j.quotes.emplace_back(quote);
  }
  if (!j.quotes.empty()) j.verdict = envelope::RelevanceVerdict::kRelevant;
  return j;
}

Judgement ExtractiveJudge::JudgeQuoted(std::string_view chunk,
                                       const std::vector<text::Span>& sentences,
                                       const std::vector<std::vector<std::string>>& sentence_terms,
                                       const std::vector<std::string>& phrases) {
  struct Phrase {
    std::string text;
    bool name = false;
    std::set<std::string> terms;  // events
  };
  std::vector<Phrase> wanted;
  for (const auto& p : phrases) {
    Phrase w{p, text::IsNamePhrase(p), {}};
    if (!w.name) {
      const auto t = analyzer_.Analyze(p);
      w.terms.insert(t.begin(), t.end());
      if (w.terms.empty()) continue;
    }
    wanted.push_back(std::move(w));
  }
  // (score, sentence) of every relevant sentence, in chunk order.
  std::vector<std::pair<double, std::size_t>> relevant;
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    const std::string_view s = sentences[i].In(chunk);
    double best = 0;
    for (const auto& w : wanted) {
      if (w.name) {
        if (text::Mentions(s, w.text)) best = std::max(best, 1.0);
        continue;
      }
      std::size_t shared = 0;
      const std::set<std::string> terms(sentence_terms[i].begin(), sentence_terms[i].end());
      for (const auto& t : w.terms) shared += terms.contains(t) ? 1 : 0;
      const double share = double(shared) / double(w.terms.size());
      if (share >= text::kMinEventShare) best = std::max(best, share);
    }
    if (best > 0) relevant.emplace_back(best, i);
  }
  std::vector<std::size_t> keep;
  if (!relevant.empty()) {
    keep.push_back(relevant.front().second);
    if (relevant.size() > 1) keep.push_back(relevant.back().second);
    std::vector<std::pair<double, std::size_t>> rest(
        relevant.begin() + 1, relevant.end() - (relevant.size() > 1 ? 1 : 0));
    std::stable_sort(rest.begin(), rest.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [score, i] : rest) {
      if (keep.size() >= std::max<std::size_t>(options_.max_quoted_quotes, 2)) break;
      keep.push_back(i);
    }
    std::sort(keep.begin(), keep.end());
  }
  Judgement j;
  j.verdict = envelope::RelevanceVerdict::kNone;
  for (const std::size_t i : keep) {
    const auto quote = TrimAsciiSpace(sentences[i].In(chunk));
    if (!quote.empty()) j.quotes.emplace_back(quote);
  }
  if (!j.quotes.empty()) j.verdict = envelope::RelevanceVerdict::kRelevant;
  return j;
}

void ExtractiveJudge::Judge(std::string chunk, std::vector<std::string> questions, Callback done) {
  std::vector<Judgement> out;
  {
    std::lock_guard lock(mu_);
    const auto sentences = segmenter_.Sentences(chunk);
    std::vector<std::vector<std::string>> terms;
    terms.reserve(sentences.size());
    for (const auto& s : sentences) terms.push_back(analyzer_.Analyze(s.In(chunk)));
    for (const auto& q : questions) out.push_back(JudgeOne(chunk, sentences, terms, q));
  }
  done(std::move(out), envelope::LlmUsage{});
}

}  // namespace longforge::workers
