// The extractive baseline's cards: central sentences, names and dates by rule.

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "longforge/common/strings.h"
#include "longforge/common/utf8.h"
#include "longforge/text/analyzer.h"
#include "longforge/text/normalize.h"
#include "longforge/text/pattern.h"
#include "longforge/text/segmenter.h"
#include "workers/mapper/card_writer.h"

namespace longforge::workers {
namespace {

constexpr std::size_t kGistSentences = 2;
constexpr std::size_t kMaxGistSentenceBytes = 400;
constexpr std::size_t kMaxNames = 12;
constexpr std::size_t kMaxDates = 8;
// Han runs shorter than this many repeats are not taken for names.
constexpr int kMinHanRepeats = 3;

// Characters that make a run of Han characters a phrase rather than a name.
constexpr std::u32string_view kHanFunctionChars =
    U"的了是在不我他她你们这那之也而就都着说道又与和把被个一有人来去上下中大小里";

bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }

// A capitalised word: an upper-case ASCII letter, then lower-case letters (or any
// non-ASCII letter bytes, for "Pávlovna").
bool IsCapitalised(std::string_view word) {
  if (word.size() < 2 || !IsAsciiUpper(word[0])) return false;
  for (std::size_t i = 1; i < word.size(); ++i) {
    const char c = word[i];
    if (!(IsAsciiLower(c) || static_cast<unsigned char>(c) >= 0x80 || c == '\'')) return false;
  }
  return true;
}

// Capitalised words that are not names: months and days (dates find the months).
bool IsCalendarWord(std::string_view word) {
  static constexpr std::string_view kWords[] = {
      "January",   "February",  "March",   "April",    "May",      "June",   "July",
      "August",    "September", "October", "November", "December", "Monday", "Tuesday",
      "Wednesday", "Thursday",  "Friday",  "Saturday", "Sunday"};
  return std::find(std::begin(kWords), std::end(kWords), word) != std::end(kWords);
}

// English names: runs of capitalised words not at the start of their sentence.
void EnglishNames(std::string_view text, text::Segmenter& segmenter,
                  std::vector<std::string>& names) {
  std::map<std::string, std::size_t> first_seen;
  for (const auto& sentence : segmenter.Sentences(text)) {
    const std::string_view s = sentence.In(text);
    const auto words = segmenter.Words(s);
    std::string run;
    std::size_t run_end = 0;
    const auto flush = [&] {
      if (!run.empty() && !text::IsStopWord(text::FoldCase(run))) {
        first_seen.emplace(run, sentence.begin);
      }
      run.clear();
    };
    for (std::size_t w = 0; w < words.size(); ++w) {
      const std::string_view word = words[w].In(s);
      const bool joins = !run.empty() && words[w].begin == run_end + 1 && s[run_end] == ' ';
      if (w > 0 && IsCapitalised(word) && !IsCalendarWord(word)) {
        if (!run.empty() && !joins) flush();
        run += run.empty() ? std::string(word) : " " + std::string(word);
        run_end = words[w].end;
      } else {
        flush();
      }
    }
    flush();
  }
  std::vector<std::pair<std::size_t, std::string>> ordered;
  for (auto& [name, at] : first_seen) ordered.emplace_back(at, name);
  std::sort(ordered.begin(), ordered.end());
  for (auto& [at, name] : ordered) {
    if (names.size() >= kMaxNames) break;
    names.push_back(std::move(name));
  }
}

// Chinese names: runs of 2–4 Han characters, without function characters, that recur
// in the chunk; a run inside a longer one that recurs as often is left out.
void ChineseNames(std::string_view text, std::vector<std::string>& names) {
  std::vector<CodePoint> han;  // the current run of Han characters
  std::unordered_map<std::string, int> counts;
  std::unordered_map<std::string, std::size_t> first;
  const auto count_run = [&] {
    for (std::size_t i = 0; i < han.size(); ++i) {
      for (std::size_t n = 2; n <= 4 && i + n <= han.size(); ++n) {
        bool ok = true;
        for (std::size_t k = i; k < i + n; ++k) {
          ok = ok && kHanFunctionChars.find(han[k].value) == std::u32string_view::npos;
        }
        if (!ok) continue;
        const std::string gram(text.substr(han[i].offset, han[i + n - 1].end() - han[i].offset));
        ++counts[gram];
        first.emplace(gram, han[i].offset);
      }
    }
    han.clear();
  };
  for (const auto& c : text::CodePoints(text)) {
    if (text::CjkScriptOf(c.value) == text::CjkScript::kHan) {
      han.push_back(c);
    } else {
      count_run();
    }
  }
  count_run();
  std::vector<std::pair<std::size_t, std::string>> kept;
  for (const auto& [gram, n] : counts) {
    if (n < kMinHanRepeats) continue;
    bool inside_longer = false;
    for (const auto& [other, m] : counts) {
      if (m >= n && other.size() > gram.size() && other.find(gram) != std::string::npos &&
          m >= kMinHanRepeats) {
        inside_longer = true;
        break;
      }
    }
    if (!inside_longer) kept.emplace_back(first[gram], gram);
  }
  std::sort(kept.begin(), kept.end());
  for (auto& [at, gram] : kept) {
    if (names.size() >= kMaxNames) break;
    names.push_back(std::move(gram));
  }
}

const text::Pattern& DatePattern() {
  static const text::Pattern pattern(
      "\\b(?:1[0-9]{3}|20[0-9]{2})\\b"
      "|\\b(?:January|February|March|April|May|June|July|August|September|October|November|"
      "December) [0-9]{1,2}\\b"
      "|\\b[0-9]{1,2} (?:January|February|March|April|June|July|August|September|October|"
      "November|December)\\b"
      "|[〇零一二三四五六七八九十百千0-9]+年(?:[〇一二三四五六七八九十0-9]+月)?"
      "(?:[〇一二三四五六七八九十0-9]+日)?");
  return pattern;
}

void Dates(std::string_view text, std::vector<std::string>& dates) {
  std::size_t from = 0;
  while (from < text.size() && dates.size() < kMaxDates) {
    const auto m = DatePattern().Find(text.substr(from));
    if (!m) break;
    std::string date(text.substr(from + m->begin, m->end - m->begin));
    if (std::find(dates.begin(), dates.end(), date) == dates.end())
      dates.push_back(std::move(date));
    from += std::max<std::size_t>(m->end, 1);
  }
}

class ExtractiveCardWriter final : public CardWriter {
 public:
  std::string Name() const override { return "extractive (no LLM)"; }

  void Write(uint32_t index, std::string chunk, Callback done) override {
    envelope::Card card;
    card.chunk = index;
    {
      std::lock_guard lock(mu_);
      card.gist = Gist(chunk);
      if (text::ContainsCjk(chunk)) {
        ChineseNames(chunk, card.names);
      } else {
        EnglishNames(chunk, segmenter_, card.names);
      }
    }
    Dates(chunk, card.dates);
    if (card.gist.empty())
      card.gist = std::string(
          TrimAsciiSpace(chunk.substr(0, CodePointPrefix(chunk, kMaxGistSentenceBytes))));
    done(std::move(card), envelope::LlmUsage{});
  }

 private:
  // The kGistSentences sentences whose content terms recur most in the chunk, in order.
  // Requires mu_.
  std::string Gist(std::string_view chunk) {
    const auto sentences = segmenter_.Sentences(chunk);
    std::vector<std::vector<std::string>> terms(sentences.size());
    std::unordered_map<std::string, int> tf;
    for (std::size_t i = 0; i < sentences.size(); ++i) {
      terms[i] = analyzer_.Analyze(sentences[i].In(chunk));
      std::set<std::string> distinct(terms[i].begin(), terms[i].end());
      for (const auto& t : distinct) ++tf[t];
    }
    std::vector<std::pair<double, std::size_t>> scored;
    for (std::size_t i = 0; i < sentences.size(); ++i) {
      std::set<std::string> distinct(terms[i].begin(), terms[i].end());
      if (distinct.size() < 3) continue;  // headings, interjections
      double score = 0;
      for (const auto& t : distinct) score += tf[t] - 1;
      scored.emplace_back(score / std::sqrt(static_cast<double>(distinct.size())), i);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::size_t> chosen;
    for (const auto& [score, i] : scored) {
      if (chosen.size() >= kGistSentences) break;
      chosen.push_back(i);
    }
    std::sort(chosen.begin(), chosen.end());
    std::string gist;
    for (const std::size_t i : chosen) {
      std::string_view s = TrimAsciiSpace(sentences[i].In(chunk));
      s = s.substr(0, CodePointPrefix(s, kMaxGistSentenceBytes));
      if (!gist.empty()) gist += ' ';
      gist += text::FoldWhitespace(s);
    }
    return gist;
  }

  std::mutex mu_;
  text::Analyzer analyzer_;    // guarded by mu_
  text::Segmenter segmenter_;  // guarded by mu_
};

}  // namespace

std::unique_ptr<CardWriter> MakeExtractiveCardWriter() {
  return std::make_unique<ExtractiveCardWriter>();
}

}  // namespace longforge::workers
