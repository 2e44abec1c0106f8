#include "sim_replies.h"

#include <algorithm>
#include <cctype>

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
