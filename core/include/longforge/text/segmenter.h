#pragma once
// Paragraph, sentence and word boundaries of UTF-8 text as byte offsets into that same
// text, so that chunks, quotes and evidence can point into the stored document without
// re-encoding it.

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace longforge::text {

// A half-open byte range [begin, end) of a UTF-8 string.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;

  std::size_t size() const { return end - begin; }
  std::string_view In(std::string_view text) const { return text.substr(begin, end - begin); }
  friend bool operator==(const Span&, const Span&) = default;
};

// Paragraphs separated by blank lines: a line break followed by one or more lines holding
// only whitespace (IsWhitespace in normalize.h: ASCII blanks, NBSP, U+3000, ...) and then
// a line break; \n, \r\n and a lone \r are all line breaks. The spans cover `text`
// exactly and in order: each paragraph keeps its trailing blank lines, and leading blank
// lines belong to the first. No ICU; thread-safe; any bytes accepted.
std::vector<Span> Paragraphs(std::string_view text);

// ICU boundary analysis over UTF-8 text with no UTF-16 copy of it: ICU reads the bytes
// through a UTF-8 UText, so positions come back as byte offsets and a 4 MB book costs
// no extra 8 MB. (Measured in bench/text_bench.cc: a UTF-16 copy would be ~20% faster
// for sentences; memory and offset mapping decided.) Sentences() reads a same-length
// UTF-8 copy of its input, Words() the input itself.
//
// Thread safety: not thread-safe; it owns ICU break iterators with per-text state.
// Use one Segmenter per thread. Construction loads ICU rules (a few hundred µs), so
// keep one around rather than making one per call.
// Invalid UTF-8 is read as U+FFFD per ill-formed sequence and never crashes.
class Segmenter {
 public:
  // Throws std::runtime_error when ICU's break rules cannot be loaded (missing ICU
  // data: a start-up failure, not a per-document one).
  Segmenter();
  ~Segmenter();
  Segmenter(Segmenter&&) noexcept;
  Segmenter& operator=(Segmenter&&) noexcept;

  // Sentences (ICU root-locale rules, which also end sentences at 。！？ and ．).
  // The spans cover `text` exactly and in order; each sentence keeps its trailing
  // whitespace. A single line break inside a paragraph is read as a space, because
  // hard-wrapped text (Project Gutenberg) wraps sentences across lines; paragraph
  // breaks (see Paragraphs) always end a sentence. Whitespace-only text is one span.
  std::vector<Span> Sentences(std::string_view text);

  // Words: runs that ICU classifies as letters, numbers, kana or ideographs (Chinese is
  // split with ICU's dictionary into words). Spaces, punctuation and symbols are not
  // returned. Spans are in order and do not overlap.
  std::vector<Span> Words(std::string_view text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace longforge::text
