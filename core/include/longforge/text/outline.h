#pragma once
// A document's outline: the chapter headings a reader would see, found by rule, so that
// evidence, notes and records can say which chapter a passage comes from.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace longforge::text {

// One heading line. `level` 1 is the largest division (BOOK, PART, VOLUME, 卷, 部, 篇,
// EPILOGUE), 2 a chapter (CHAPTER, 回, 章), 3 a section (节); Markdown headings take
// their number of '#'.
struct Heading {
  std::size_t begin = 0;  // byte offset of the heading's first character
  std::size_t end = 0;    // byte offset just past its last (trailing blanks excluded)
  int level = 0;
  std::string title;  // the line as written, trimmed, runs of spaces made one

  friend bool operator==(const Heading&, const Heading&) = default;
};

// Finds heading lines: a line (surrounding spaces, including U+3000, ignored) of at most
// 160 bytes that is
//   - `CHAPTER I`, `Chapter 3.`, `BOOK ONE: 1805`, `PART II`, `VOLUME 2`, `SECTION 4`
//     (English keyword in capitals or title case, then a Roman or Arabic numeral or a
//     number word up to TWENTY, then anything), `FIRST EPILOGUE`, `EPILOGUE`, `PROLOGUE`;
//   - `第一回`, `第三章`, `第十二卷`, `第2节` (Chinese or Arabic numerals), then the end of
//     the line or a space or colon and anything (`第四回中既将…` is a sentence);
//   - a Markdown ATX heading, `#` to `######` and a space.
// and, unless it is Markdown, is followed by a blank line or the end of the text (a
// heading is a paragraph of its own; a second line of a wrapped title joins it while
// both lines together stay within 160 bytes).
// Headings with less than 100 bytes of other text between them form a run: a run whose
// levels only go deeper (`BOOK ONE`, then `CHAPTER I`) is kept when text follows it; any
// other run is a table of contents (`CHAPTER I`, `CHAPTER II`, …) and is dropped, except
// for a deepening tail that repeats the contents' first title when the text follows
// right after the contents. A
// Project Gutenberg `*** END OF THE PROJECT GUTENBERG EBOOK` line ends the search (the
// licence after it has numbered sections). Headings come in text order. Linear in the
// text.
std::vector<Heading> DetectOutline(std::string_view text);

// The chapter in force at byte `offset`, as a reader would cite it: the titles of the
// innermost heading at or before `offset` and of the larger headings above it, joined
// by " / " (e.g. "BOOK ONE: 1805 / CHAPTER I"); empty before the first heading.
// `outline` as DetectOutline returns it.
std::string ChapterAt(const std::vector<Heading>& outline, std::size_t offset);

// How a reader names a heading in a sentence: its keyword and number, without the title
// that follows ("CHAPTER 3. The Spouter-Inn." -> "CHAPTER 3"; "BOOK ONE: 1805" ->
// "BOOK ONE"; "第一回 甄士隐梦幻识通灵" -> "第一回"); a heading of another form (Markdown,
// "EPILOGUE") is its whole title.
std::string HeadingLabel(std::string_view title);

// Index into `outline` of the innermost heading at or before `offset`; -1 before the
// first one.
int HeadingIndexAt(const std::vector<Heading>& outline, std::size_t offset);

}  // namespace longforge::text
