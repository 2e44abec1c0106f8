#include "longforge/text/outline.h"

#include <algorithm>
#include <array>
#include <string>

#include "longforge/text/pattern.h"

namespace longforge::text {
namespace {

constexpr std::size_t kMaxHeadingBytes = 160;
// Headings with less text than this between them are a run (a contents list, or a
// BOOK heading and its first CHAPTER).
constexpr std::size_t kMinChapterText = 100;
// A Project Gutenberg e-book ends its text with this line; the licence after it has
// numbered sections that are not the book's.
constexpr std::string_view kGutenbergEnd = "*** END OF TH";

// One kind of heading line: a pattern anchored at the line's start, and the level of
// what it matched (from its first capture group).
struct Rule {
  Pattern pattern;
  int (*level)(std::string_view group);
};

constexpr const char* kNumberWord =
    "(?i:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty)";

int KeywordLevel(std::string_view keyword) {
  const char c = keyword.empty() ? 'C' : keyword.front();
  return c == 'C' ? 2 : c == 'S' ? 3 : 1;  // CHAPTER, SECTION; BOOK, PART, VOLUME
}
int EpilogueLevel(std::string_view) { return 1; }
int ChineseLevel(std::string_view unit) {
  if (unit == "回" || unit == "章") return 2;
  if (unit == "节") return 3;
  return 1;  // 卷 部 篇 集
}
int MarkdownLevel(std::string_view hashes) { return static_cast<int>(hashes.size()); }

Rule MakeRule(const std::string& pattern, int (*level)(std::string_view)) {
  return Rule{Pattern(pattern, Pattern::kAnchored), level};
}

const std::array<Rule, 4>& Rules() {
  static const std::array<Rule, 4> rules = [] {
    const std::string numeral = std::string("(?:(?i:[ivxlcdm]+)|[0-9]+|") + kNumberWord + ")";
    return std::array<Rule, 4>{
        MakeRule("(#{1,6})[ \\t]+\\S", MarkdownLevel),
        MakeRule("(CHAPTER|Chapter|BOOK|Book|PART|Part|VOLUME|Volume|SECTION|Section)"
                 "[ \\t]+" +
                     numeral + "(?![A-Za-z0-9])",
                 KeywordLevel),
        MakeRule("(?:(?:FIRST|SECOND|THIRD|FOURTH|LAST|First|Second|Third|Fourth|Last)"
                 "[ \\t]+)?(EPILOGUE|PROLOGUE|Epilogue|Prologue)(?![A-Za-z])",
                 EpilogueLevel),
        MakeRule(
            "第[一二三四五六七八九十百千零〇两0-9０-９]+(回|章|节|卷|部|篇|集)(?:[ \\t　：:.、]|$)",
            ChineseLevel),
    };
  }();
  return rules;
}

bool IsBlank(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f'; }

// [begin, end) of `line` without surrounding blanks, U+3000 ideographic spaces and a BOM.
std::pair<std::size_t, std::size_t> Trim(std::string_view text, std::size_t begin,
                                         std::size_t end) {
  constexpr std::string_view kIdeographicSpace = "\u3000", kBom = "\uFEFF";
  while (begin < end) {
    const std::string_view rest = text.substr(begin, end - begin);
    if (IsBlank(static_cast<unsigned char>(rest.front()))) {
      ++begin;
    } else if (rest.starts_with(kIdeographicSpace) || rest.starts_with(kBom)) {
      begin += 3;
    } else {
      break;
    }
  }
  while (end > begin) {
    const std::string_view rest = text.substr(begin, end - begin);
    if (IsBlank(static_cast<unsigned char>(rest.back()))) {
      --end;
    } else if (rest.ends_with(kIdeographicSpace)) {
      end -= 3;
    } else {
      break;
    }
  }
  return {begin, end};
}

// The level of the heading `line` is, or 0.
int HeadingLevel(std::string_view line) {
  for (const Rule& rule : Rules()) {
    if (const auto m = rule.pattern.Find(line)) return rule.level(m->group);
  }
  return 0;
}

std::string Title(std::string_view line) {
  std::string title;
  for (const char c : line) {
    if (IsBlank(static_cast<unsigned char>(c))) {
      if (!title.empty() && title.back() != ' ') title += ' ';
    } else {
      title += c;
    }
  }
  return title;
}

}  // namespace

std::vector<Heading> DetectOutline(std::string_view text) {
  std::vector<Heading> candidates;
  std::vector<std::size_t> text_before;  // bytes of non-heading text before each candidate
  std::size_t text_bytes = 0;
  // A heading is a paragraph of its own, of one line or two (a long title wraps): the
  // line after it is blank, so the first line of a paragraph that starts "BOOK I.
  // (Folio), CHAPTER I. …" is not one. Markdown headings say so themselves.
  std::size_t pending_lines = 0;  // lines of the last candidate still to be decided
  std::size_t pending_text = 0;   // their bytes
  const auto drop_pending = [&] {
    candidates.pop_back();
    text_before.pop_back();
    text_bytes += pending_text;
    pending_lines = 0;
  };
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const auto [b, e] = Trim(text, pos, eol);
    const std::string_view line = text.substr(b, e - b);
    pos = eol + 1;
    if (line.starts_with(kGutenbergEnd)) {
      if (pending_lines > 0) drop_pending();  // not followed by a blank line
      break;
    }
    if (pending_lines > 0) {
      Heading& last = candidates.back();
      if (line.empty() || text[last.begin] == '#') {
        pending_lines = 0;  // decided: a heading
      } else if (pending_lines == 1 && e - last.begin <= kMaxHeadingBytes) {
        last.end = e;  // its second line
        last.title += ' ';
        last.title += Title(line);
        pending_lines = 2;
        pending_text += line.size();
        continue;
      } else {
        drop_pending();
      }
    }
    const int level = line.size() <= kMaxHeadingBytes ? HeadingLevel(line) : 0;
    if (level > 0) {
      candidates.push_back({b, e, level, Title(line)});
      text_before.push_back(text_bytes);
      pending_lines = 1;
      pending_text = line.size();
    } else {
      text_bytes += line.size();
    }
  }
  // A candidate on the last line is followed by the end of the text: a heading.

  // Headings with (almost) no text between them form a run. A run whose levels only
  // go deeper (BOOK ONE, then CHAPTER I) opens a part of the text and is kept when text
  // follows it. Any other run (CHAPTER I, CHAPTER II, …) is a table of contents; when the
  // text starts right after it, its deepening tail that repeats the contents' first
  // entry (CHAPTER I … CHAPTER XX, CHAPTER I) is the real start and is kept.
  std::vector<bool> keep(candidates.size());
  for (std::size_t first = 0; first < candidates.size();) {
    std::size_t last = first;
    while (last + 1 < candidates.size() &&
           text_before[last + 1] - text_before[last] < kMinChapterText) {
      ++last;
    }
    const std::size_t text_after =
        (last + 1 < candidates.size() ? text_before[last + 1] : text_bytes) - text_before[last];
    std::size_t tail = last;
    while (tail > first && candidates[tail - 1].level < candidates[tail].level) --tail;
    const bool opens = tail == first || candidates[tail].title == candidates[first].title;
    if (opens && text_after >= kMinChapterText) {
      for (std::size_t i = tail; i <= last; ++i) keep[i] = true;
    }
    first = last + 1;
  }
  std::vector<Heading> outline;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (keep[i]) outline.push_back(std::move(candidates[i]));
  }
  return outline;
}

int HeadingIndexAt(const std::vector<Heading>& outline, std::size_t offset) {
  const auto after =
      std::upper_bound(outline.begin(), outline.end(), offset,
                       [](std::size_t at, const Heading& heading) { return at < heading.begin; });
  return static_cast<int>(after - outline.begin()) - 1;
}

std::string ChapterAt(const std::vector<Heading>& outline, std::size_t offset) {
  int i = HeadingIndexAt(outline, offset);
  if (i < 0) return {};
  std::vector<const std::string*> path{&outline[i].title};
  for (int level = outline[i].level; i-- > 0;) {
    if (outline[i].level < level) {
      level = outline[i].level;
      path.push_back(&outline[i].title);
    }
  }
  std::string chapter;
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    if (!chapter.empty()) chapter += " / ";
    chapter += **it;
  }
  return chapter;
}

std::string HeadingLabel(std::string_view title) {
  // 第…回 / 章 / 卷 / 部 / 篇 / 节 / 集: up to the unit character.
  static const Pattern kChinese("^第[〇零一二三四五六七八九十百千两0-9]+[回章卷部篇节集]",
                                Pattern::kAnchored);
  if (const auto m = kChinese.Find(title)) return std::string(title.substr(0, m->end));
  // KEYWORD NUMERAL: the first two words, without the punctuation after the numeral.
  static const Pattern kEnglish(
      "^(?:CHAPTER|Chapter|BOOK|Book|PART|Part|VOLUME|Volume|SECTION|Section)\\s+"
      "[A-Za-z0-9]+",
      Pattern::kAnchored);
  if (const auto m = kEnglish.Find(title)) return std::string(title.substr(0, m->end));
  return std::string(title);
}

}  // namespace longforge::text
