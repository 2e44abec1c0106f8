#include "workers/relevance/extractive_judge.h"

#include "longforge/common/strings.h"

#include <algorithm>
#include <set>

namespace longforge::workers {

ExtractiveJudge::ExtractiveJudge(ExtractiveJudgeOptions options) : options_(options) {}

Judgement ExtractiveJudge::JudgeOne(std::string_view chunk,
                                    const std::vector<text::Span>& sentences,
                                    const std::vector<std::vector<std::string>>& sentence_terms,
                                    const std::string& question) {
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
