#include "sim_replies.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <utility>
#include <vector>

namespace longforge::bench {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// `s` with every run of ASCII whitespace folded to one space, trimmed.
std::string FoldSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (IsSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Text between the first `open` and the last `close` after it; empty when absent.
std::string_view Between(std::string_view s, std::string_view open, std::string_view close) {
  const std::size_t begin = s.find(open);
  if (begin == std::string_view::npos) return {};
  const std::size_t from = begin + open.size();
  const std::size_t end = s.rfind(close);
  if (end == std::string_view::npos || end < from) return s.substr(from);
  return s.substr(from, end - from);
}

bool EndsSentence(std::string_view text, std::size_t i) {
  const char c = text[i];
  return (c == '.' || c == '!' || c == '?') && (i + 1 == text.size() || IsSpace(text[i + 1]));
}

// The sentence of `text` holding byte `at`: from after the previous sentence end or
// blank line to the next sentence end (included). Good enough for English prose.
std::string_view SentenceAt(std::string_view text, std::size_t at) {
  std::size_t begin = at;
  while (begin > 0 && !EndsSentence(text, begin - 1) &&
         !(text[begin - 1] == '\n' && begin >= 2 && text[begin - 2] == '\n')) {
    --begin;
  }
  std::size_t end = at;
  while (end < text.size() && !EndsSentence(text, end) &&
         !(text[end] == '\n' && end + 1 < text.size() && text[end + 1] == '\n')) {
    ++end;
  }
  if (end < text.size() && EndsSentence(text, end)) ++end;
  return text.substr(begin, end - begin);
}

// Questions in a relevance prompt: "[k] " lines after "Questions:", else one.
std::size_t QuestionCount(std::string_view user) {
  const std::size_t list = user.rfind("\nQuestions:\n");
  if (list == std::string_view::npos) return 1;
  std::size_t count = 0;
  for (std::size_t pos = list; (pos = user.find("\n[", pos)) != std::string_view::npos; ++pos) {
    const std::size_t close = user.find("] ", pos);
    if (close == std::string_view::npos || close - pos > 5) continue;
    ++count;
  }
  return std::max<std::size_t>(count, 1);
}

}  // namespace

std::size_t ApproxTokens(std::size_t bytes) { return (bytes + 3) / 4; }

std::string RelevanceReply(std::string_view user, std::string_view marker) {
  const std::string_view passage = Between(user, "<passage>\n", "\n</passage>");
  const std::size_t at = marker.empty() ? std::string_view::npos : passage.find(marker);
  const std::string verdict =
      at == std::string_view::npos ? "NONE" : FoldSpaces(SentenceAt(passage, at));
  const std::size_t questions = QuestionCount(user);
  if (questions == 1) return verdict;
  std::string reply;
  for (std::size_t i = 1; i <= questions; ++i) {
    reply += "[" + std::to_string(i) + "]\n" + verdict + "\n";
  }
  return reply;
}

std::string KeywordsReply(std::string_view user) {
  const std::string question = FoldSpaces(Between(user, "Question:\n<<<\n", "\n>>>\n\n1."));
  std::string keywords;
  std::string word;
  for (std::size_t i = 0; i <= question.size(); ++i) {
    const char c = i < question.size() ? question[i] : ' ';
    if (std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80) != 0) {
      word += c;
      continue;
    }
    if (word.size() > 3) keywords += (keywords.empty() ? "" : ", ") + word;
    word.clear();
  }
  return "INFO: " + question + "\nKEYWORDS: " + (keywords.empty() ? question : keywords);
}

std::string MapReply(std::string_view user) {
  const std::string_view part = Between(user, "<part>\n", "\n</part>");
  const std::string gist = part.empty() ? "An empty part." : FoldSpaces(SentenceAt(part, 0));
  return "GIST: " + gist +
         "\nPEOPLE: none\nPLACES: none\nORGANISATIONS: none\nDATES: none\n"
         "EVENTS:\n- none";
}

std::string RouteReply(std::string_view user) {
  std::string q(Between(user, "<question>\n", "\n</question>"));
  std::transform(q.begin(), q.end(), q.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* cue : {"whole", "order", "change", "how many times"}) {
    if (q.find(cue) != std::string::npos) return "GLOBAL";
  }
  return "LOCAL";
}

std::string ReduceReply(std::string_view user) {
  const std::string_view notes = Between(user, "<notes>\n", "\n</notes>");
  std::string kept;
  std::size_t start = 0, n = 0;
  while (start < notes.size()) {
    std::size_t end = notes.find('\n', start);
    if (end == std::string_view::npos) end = notes.size();
    if (n++ % 2 == 0) kept += std::string(notes.substr(start, end - start)) + "\n";
    start = end + 1;
  }
  return kept.empty() ? "NONE" : kept;
}

std::string AnswerReply(std::string_view user, std::string_view marker) {
  const std::size_t at = marker.empty() ? std::string_view::npos : user.find(marker);
  if (at == std::string_view::npos) return "The evidence suggests the answer given above.";
  return "According to the evidence: " + FoldSpaces(SentenceAt(user, at));
}

}  // namespace longforge::bench

namespace longforge::bench::careful {
namespace {

constexpr double kMinCoverage = 0.6;

// The code point at `s[i]` and its length in bytes (a broken byte reads as itself).
std::pair<uint32_t, std::size_t> Decode(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return {b, 1};
  const std::size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  if (n == 1 || i + n > s.size()) return {b, 1};
  uint32_t cp = b & (0xFF >> (n + 1));
  for (std::size_t k = 1; k < n; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return {cp, n};
}

bool IsCjk(uint32_t cp) { return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF); }

std::vector<std::string> Terms(std::string_view text) {
  std::vector<std::string> terms;
  std::string word, previous_cjk;
  for (std::size_t i = 0; i < text.size();) {
    const auto [cp, n] = Decode(text, i);
    const std::string_view bytes = text.substr(i, n);
    i += n;
    if (cp < 0x80 && std::isalnum(static_cast<int>(cp))) {
      word += static_cast<char>(std::tolower(static_cast<int>(cp)));
      previous_cjk.clear();
      continue;
    }
    if (word.size() >= 3) terms.push_back(word);
    word.clear();
    if (IsCjk(cp)) {
      if (!previous_cjk.empty()) terms.push_back(previous_cjk + std::string(bytes));
      previous_cjk = bytes;
    } else {
      previous_cjk.clear();
    }
  }
  if (word.size() >= 3) terms.push_back(word);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  return terms;
}

// Sentences of `text`: ends at . ! ? followed by a space or the end, at 。！？, and at
// blank lines.
std::vector<std::string_view> Sentences(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t begin = 0;
  const auto cut = [&](std::size_t end) {
    if (end > begin) out.push_back(text.substr(begin, end - begin));
    begin = end;
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto [cp, n] = Decode(text, i);
    i += n;
    if (cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F) {
      cut(i);
    } else if ((cp == '.' || cp == '!' || cp == '?') && (i == text.size() || IsSpace(text[i]))) {
      cut(i);
    } else if (cp == '\n' && i < text.size() && text[i] == '\n') {
      cut(i);
    }
  }
  cut(text.size());
  return out;
}

// Share of `question` (sorted terms) found in `sentence`.
double Coverage(const std::vector<std::string>& question, std::string_view sentence) {
  if (question.empty()) return 0;
  const auto terms = Terms(sentence);
  std::size_t found = 0;
  for (const auto& t : question) found += std::binary_search(terms.begin(), terms.end(), t);
  return static_cast<double>(found) / static_cast<double>(question.size());
}

std::string Quotes(std::string_view passage, std::string_view question) {
  const auto terms = Terms(question);
  std::string out;
  for (const auto s : Sentences(passage)) {
    if (Coverage(terms, s) >= kMinCoverage) out += FoldSpaces(s) + "\n";
  }
  return out.empty() ? "NONE" : out.substr(0, out.size() - 1);
}

// Lower-cased letters, digits and non-ASCII code points of `s`, nothing else.
std::string Squeeze(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto [cp, n] = Decode(s, i);
    if (cp >= 0x80 ? !(cp >= 0x3000 && cp <= 0x303F) && !(cp >= 0xFF00 && cp <= 0xFF0F)
                   : std::isalnum(static_cast<int>(cp)) != 0) {
      if (cp < 0x80) {
        out += static_cast<char>(std::tolower(static_cast<int>(cp)));
      } else {
        out += s.substr(i, n);
      }
    }
    i += n;
  }
  return out;
}

}  // namespace

std::string RelevanceReply(std::string_view user) {
  const std::string_view passage = Between(user, "<passage>\n", "\n</passage>");
  const std::size_t list = user.rfind("\nQuestions:\n");
  if (list == std::string_view::npos) {
    const std::size_t at = user.rfind("Question: ");
    if (at == std::string_view::npos) return "NONE";
    const std::size_t end = user.find("\n\n", at);
    return Quotes(passage,
                  user.substr(at + 10, end == std::string_view::npos ? end : end - at - 10));
  }
  std::string reply;
  std::size_t pos = list + 12;
  for (std::size_t k = 1;; ++k) {
    const std::string tag = "[" + std::to_string(k) + "] ";
    const std::size_t at = user.find(tag, pos);
    if (at == std::string_view::npos) break;
    const std::size_t end = user.find('\n', at);
    reply += "[" + std::to_string(k) + "]\n" +
             Quotes(passage, user.substr(at + tag.size(), end - at - tag.size())) + "\n";
    pos = end;
  }
  return reply.empty() ? "NONE" : reply;
}

std::string AnswerReply(std::string_view user) {
  const std::size_t q = user.rfind("Question:\n");
  if (q == std::string_view::npos) return "NOT IN EVIDENCE";
  const std::size_t q_end = user.find("\n\nAnswer from", q);
  const auto terms =
      Terms(user.substr(q + 10, q_end == std::string_view::npos ? q_end : q_end - q - 10));
  // The passages' text, each a paragraph of its own, without their tags.
  std::string evidence;
  std::string_view rest = user.substr(0, q);
  for (std::size_t open; (open = rest.find("<passage>\n")) != std::string_view::npos;) {
    const std::size_t close = rest.find("\n</passage>", open);
    if (close == std::string_view::npos) break;
    evidence += std::string(rest.substr(open + 10, close - open - 10)) + "\n\n";
    rest = rest.substr(close + 11);
  }
  double best = 0;
  std::string_view answer;
  for (const auto s : Sentences(evidence)) {
    const double c = Coverage(terms, s);
    if (c > best) best = c, answer = s;
  }
  return best >= kMinCoverage ? FoldSpaces(answer) : "NOT IN EVIDENCE";
}

std::string JudgeReply(std::string_view user) {
  const std::string reference(Between(user, "Reference answer:\n", "\n\nCandidate answer:\n"));
  const std::size_t at = user.find("\n\nCandidate answer:\n");
  if (at == std::string_view::npos) return "[[NO]]";
  std::string_view candidate = user.substr(at + 20);
  candidate = candidate.substr(0, candidate.rfind("\n\nIs the candidate"));
  const std::string ref = Squeeze(reference), cand = Squeeze(candidate);
  return !ref.empty() && cand.find(ref) != std::string::npos ? "It states it. [[YES]]"
                                                             : "It does not. [[NO]]";
}

}  // namespace longforge::bench::careful
