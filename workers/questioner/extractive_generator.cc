#include "workers/questioner/extractive_generator.h"

#include <algorithm>
#include <array>
#include <set>

#include "longforge/common/strings.h"

namespace longforge::workers {
namespace {

using text::Span;

bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = IsAsciiUpper(c) ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

// Number of UTF-8 code points, and how many of them are three-byte (CJK range) ones.
std::pair<std::size_t, std::size_t> CodePoints(std::string_view s) {
  std::size_t all = 0, wide = 0;
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if ((b & 0xC0) != 0x80) ++all;
    if ((b & 0xF0) == 0xE0) ++wide;
  }
  return {all, wide};
}

bool IsChinese(std::string_view s) {
  const auto [all, wide] = CodePoints(s);
  return all > 0 && wide * 10 >= all * 3;
}

// Whitespace runs become one space, or nothing between two non-ASCII characters (a
// hard-wrapped Chinese line); ends trimmed.
std::string Collapse(std::string_view s) {
  std::string out;
  bool pending = false;
  for (const char c : s) {
    if (IsSpace(c)) {
      pending = !out.empty();
      continue;
    }
    if (pending && !(static_cast<unsigned char>(out.back()) >= 0x80 &&
                     static_cast<unsigned char>(c) >= 0x80)) {
      out += ' ';
    }
    pending = false;
    out += c;
  }
  return out;
}

bool Contains(std::string_view s, std::string_view needle) {
  return s.find(needle) != std::string_view::npos;
}

// Sentence end punctuation dropped, so that a question mark can follow.
std::string_view WithoutFinalStop(std::string_view s) {
  for (const std::string_view stop : {".", ";", ",", "。", "；", "，", "．"}) {
    if (s.ends_with(stop)) return s.substr(0, s.size() - stop.size());
  }
  return s;
}

constexpr std::array<std::string_view, 14> kDialogue = {"\"", "“",  "”", "「", "」", "『", "』",
                                                        "?",  "？", "!", "！", "'",  "‘",  "’"};
const std::set<std::string> kPersonal = {
    "i",    "me",  "my",  "we",  "us",    "our",  "you",  "your",  "he",    "she", "it",
    "they", "his", "her", "its", "their", "this", "that", "these", "those", "him", "them"};
const std::set<std::string> kFirstSecond = {"i", "me", "my", "we", "us", "our", "you", "your"};
const std::set<std::string> kNameVerbs = {"was",   "is",   "had",   "has",     "became",
                                          "wrote", "said", "built", "founded", "led",
                                          "made",  "took", "gave",  "won",     "lived"};
constexpr std::array<std::string_view, 16> kMeasure = {
    "个", "名", "位", "艘", "本", "座", "次", "人", "只", "条", "部", "家", "种", "块", "天", "岁"};

struct Candidate {
  std::string_view sentence;  // trimmed, verbatim in the chunk
  std::vector<Span> words;    // spans within `sentence`
  bool chinese = false;
  int score = 0;
};

std::string Replace(std::string_view s, Span span, std::string_view with) {
  return std::string(s.substr(0, span.begin)) + std::string(with) + std::string(s.substr(span.end));
}

GeneratedQuestion Make(std::string question, std::string_view reference, std::string_view sentence,
                       std::string type, uint32_t chunk) {
  return {
      Collapse(question), Collapse(reference), {std::string(sentence)}, std::move(type), {chunk}};
}

// "Karl Drais built …" → "Who built …?"
std::optional<GeneratedQuestion> WhoRule(const Candidate& c, uint32_t chunk) {
  const auto& w = c.words;
  std::size_t k = 0;
  while (k < w.size() && IsAsciiUpper(c.sentence[w[k].begin])) {
    if (k > 0) {
      const auto gap = c.sentence.substr(w[k - 1].end, w[k].begin - w[k - 1].end);
      if (gap != " " && gap != ". ") break;
    }
    ++k;
  }
  if (k == 0 || k >= w.size() || text::IsStopWord(Lower(w[0].In(c.sentence)))) return {};
  const std::string next = std::string(w[k].In(c.sentence));
  if (!IsAsciiLower(next[0]) || c.sentence.substr(w[k - 1].end, 1) != " ") return {};
  if (k == 1 && !kNameVerbs.contains(next) && !next.ends_with("ed")) return {};
  const std::string_view name = c.sentence.substr(0, w[k - 1].end);
  const std::string rest(WithoutFinalStop(TrimAsciiSpace(c.sentence.substr(w[k - 1].end))));
  return Make("Who " + rest + "?", name, c.sentence, "who", chunk);
}

// "… in 1817 …" → "… in what year …?"; "… 30 men …" → "… how many men …?"
std::optional<GeneratedQuestion> NumberRule(const Candidate& c, uint32_t chunk) {
  const auto& w = c.words;
  for (std::size_t i = 1; i < w.size(); ++i) {
    const auto word = w[i].In(c.sentence);
    if (!AllDigits(word)) continue;
    const auto prev = Lower(w[i - 1].In(c.sentence));
    const bool adjacent = w[i].begin == w[i - 1].end + 1;
    if (word.size() == 4 && prev == "in" && adjacent) {
      const std::string q =
          Replace(c.sentence, {w[i - 1].begin, w[i].end},
                  c.sentence[w[i - 1].begin] == 'I' ? "In what year" : "in what year");
      return Make(std::string(WithoutFinalStop(TrimAsciiSpace(q))) + "?", word, c.sentence,
                  "number", chunk);
    }
    if (i + 1 < w.size() && w[i + 1].begin == w[i].end + 1) {
      const auto noun = w[i + 1].In(c.sentence);
      if (IsAsciiLower(noun[0]) && noun.ends_with("s") && noun.size() > 2) {
        const std::string q = Replace(c.sentence, w[i], "how many");
        return Make(std::string(WithoutFinalStop(TrimAsciiSpace(q))) + "?", word, c.sentence,
                    "number", chunk);
      }
    }
  }
  return {};
}

// "1817年" → "哪一年"; "30名" / "三十名" → "多少名".
std::optional<GeneratedQuestion> ChineseNumberRule(const Candidate& c, uint32_t chunk) {
  static const std::string kNumerals = "零一二三四五六七八九十百千万两";
  static constexpr std::array<std::string_view, 11> kDigitsZh = {"零", "一", "二", "三", "四", "五",
                                                                 "六", "七", "八", "九", "两"};
  const std::string_view s = c.sentence;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i;
    bool digits = false;
    while (j < s.size() && IsDigit(s[j])) j++, digits = true;
    if (!digits) {
      while (j + 3 <= s.size() && Contains(kNumerals, s.substr(j, 3))) j += 3;
    }
    // A Chinese count needs a digit-like numeral (not 千 or 百 alone) other than a lone 一.
    const auto run = s.substr(i, j - i);
    const bool counted =
        digits ||
        (run != "一" && std::any_of(kDigitsZh.begin(), kDigitsZh.end(),
                                    [&](std::string_view d) { return Contains(run, d); }));
    if (j == i || !counted) {
      i += (static_cast<unsigned char>(s[i]) >= 0xE0) ? 3 : 1;
      continue;
    }
    const auto after = s.substr(j, 3);
    const auto number = s.substr(i, j - i);
    const auto question = [&](std::string_view with, std::size_t end) {
      return std::string(WithoutFinalStop(Replace(s, {i, end}, with))) + "？";
    };
    if (digits && number.size() == 4 && after == "年") {
      return Make(question("哪一年", j + 3), number, s, "number", chunk);
    }
    if (std::find(kMeasure.begin(), kMeasure.end(), after) != kMeasure.end()) {
      return Make(question("多少", j), number, s, "number", chunk);
    }
    i = j;
  }
  return {};
}

// True when the span's text occurs once in the sentence, so a blank really hides it.
bool Unique(std::string_view sentence, Span span) {
  const auto text = span.In(sentence);
  return sentence.find(text) == sentence.rfind(text);
}

// The span a cloze removes, and the type it gives.
std::pair<Span, std::string> Blank(const Candidate& c) {
  const auto& w = c.words;
  if (!c.chinese) {
    for (std::size_t i = 1; i < w.size(); ++i) {  // a name, not the sentence's first word
      if (IsAsciiUpper(c.sentence[w[i].begin]) && w[i].size() > 1) {
        std::size_t k = i + 1;
        while (k < w.size() && w[k].begin == w[k - 1].end + 1 &&
               IsAsciiUpper(c.sentence[w[k].begin])) {
          ++k;
        }
        const Span name{w[i].begin, w[k - 1].end};
        if (Unique(c.sentence, name)) return {name, "fact"};
        i = k - 1;
      }
    }
    for (const auto& s : w) {
      if (AllDigits(s.In(c.sentence)) && Unique(c.sentence, s)) return {s, "number"};
    }
  }
  Span best;
  std::size_t best_len = 0;
  for (const auto& s : w) {
    const auto word = s.In(c.sentence);
    const std::size_t len = CodePoints(word).first;
    if (text::IsStopWord(Lower(word)) || len < (c.chinese ? 2u : 5u)) continue;
    if (!Unique(c.sentence, s)) continue;
    if (len > best_len) best = s, best_len = len;
  }
  return {best, "cloze"};
}

std::optional<GeneratedQuestion> Cloze(const Candidate& c, uint32_t chunk) {
  const auto [span, type] = Blank(c);
  if (span.size() == 0) return {};
  const std::string prefix = c.chinese ? "填空：" : "Fill in the blank: ";
  return Make(prefix + Replace(c.sentence, span, "____"), span.In(c.sentence), c.sentence, type,
              chunk);
}

}  // namespace

ExtractiveQuestionGenerator::ExtractiveQuestionGenerator() = default;

std::optional<GeneratedQuestion> ExtractiveQuestionGenerator::FromChunk(const SourceChunk& chunk,
                                                                        bool cloze_only) {
  std::lock_guard lock(mu_);
  std::vector<Candidate> candidates;
  for (const Span& span : segmenter_.Sentences(chunk.text)) {
    Candidate c;
    c.sentence = TrimAsciiSpace(span.In(chunk.text));
    c.chinese = IsChinese(c.sentence);
    if (std::any_of(kDialogue.begin(), kDialogue.end(),
                    [&](std::string_view d) { return Contains(c.sentence, d); })) {
      continue;
    }
    c.words = segmenter_.Words(c.sentence);
    if (c.words.empty()) continue;
    const auto [points, wide] = CodePoints(c.sentence);
    if (c.chinese) {
      if (points < 12 || points > 100 || Contains(c.sentence, "我") || Contains(c.sentence, "你"))
        continue;
      const auto first = c.sentence.substr(0, 3);
      if (first == "他" || first == "她" || first == "它" || first == "这" || first == "那" ||
          first == "此" || first == "其")
        continue;
    } else {
      if (c.words.size() < 8 || c.words.size() > 40 || !IsAsciiUpper(c.sentence[0])) continue;
      if (kPersonal.contains(Lower(c.words[0].In(c.sentence)))) continue;
      if (std::any_of(c.words.begin(), c.words.end(), [&](const Span& w) {
            return kFirstSecond.contains(Lower(w.In(c.sentence)));
          }))
        continue;
    }
    const auto terms = analyzer_.Analyze(c.sentence);
    const std::set<std::string> distinct(terms.begin(), terms.end());
    if (distinct.size() < 4) continue;
    c.score = static_cast<int>(distinct.size());
    for (const auto& w : c.words) {
      const auto word = w.In(c.sentence);
      if (IsDigit(word[0])) c.score += 3;
      if (w.begin > 0 && IsAsciiUpper(word[0])) c.score += 1;
    }
    candidates.push_back(std::move(c));
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  for (const auto& c : candidates) {
    std::optional<GeneratedQuestion> q;
    if (!cloze_only) q = c.chinese ? ChineseNumberRule(c, chunk.index) : WhoRule(c, chunk.index);
    if (!q && !cloze_only && !c.chinese) q = NumberRule(c, chunk.index);
    if (!q) q = Cloze(c, chunk.index);
    if (q) return q;
  }
  return std::nullopt;
}

void ExtractiveQuestionGenerator::Generate(QuestionSample sample, Callback cb) {
  GenerationOutcome out;
  if (sample.chunks.size() == 1) {
    out.question = FromChunk(sample.chunks[0]);
  } else if (sample.chunks.size() == 2) {
    auto a = FromChunk(sample.chunks[0], /*cloze_only=*/true);
    auto b = FromChunk(sample.chunks[1], /*cloze_only=*/true);
    if (a && b) {
      const bool zh = IsChinese(a->question) && IsChinese(b->question);
      const auto body = [](const GeneratedQuestion& g) {
        for (const std::string_view prefix : {"Fill in the blank: ", "填空："}) {
          if (g.question.starts_with(prefix)) return g.question.substr(prefix.size());
        }
        return g.question;
      };
      GeneratedQuestion q;
      q.question = zh ? "填空（两处）：(1) " + body(*a) + " (2) " + body(*b)
                      : "Fill in both blanks: (1) " + body(*a) + " (2) " + body(*b);
      q.reference = a->reference + (zh ? "；" : " and ") + b->reference;
      q.quotes = {a->quotes[0], b->quotes[0]};
      q.type = std::string(kMultiHop);
      q.source_chunks = {sample.chunks[0].index, sample.chunks[1].index};
      out.question = std::move(q);
    }
  }
  if (!out.question) out.skipped = "no usable sentence";
  cb(std::move(out));
}

}  // namespace longforge::workers
