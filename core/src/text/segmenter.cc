#include "longforge/text/segmenter.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "longforge/text/normalize.h"

namespace longforge::text {
namespace {

// Whether `s` holds only whitespace (IsWhitespace: NBSP and U+3000, which Chinese texts
// indent with, included).
bool IsBlank(std::string_view s) {
  for (const CodePoint& c : CodePoints(s)) {
    if (!IsWhitespace(c.value)) return false;
  }
  return true;
}

// End of the line starting at `pos`, before its line break, and the start of the next.
struct Line {
  std::size_t content_end;
  std::size_t next;
};

Line NextLine(std::string_view text, std::size_t pos) {
  const std::size_t n = text.size();
  std::size_t i = pos;
  while (i < n && text[i] != '\n' && text[i] != '\r') {
    ++i;
  }
  Line line{i, i};
  if (i < n) {
    line.next = (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ? i + 2 : i + 1;
  }
  return line;
}

// A UTF-8 UText over caller-owned bytes, closed on scope exit.
class Utf8Text {
 public:
  explicit Utf8Text(std::string_view s) {
    if (s.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
      // BreakIterator reports positions as int32_t.
      throw std::length_error("Segmenter: text of 2 GiB or more");
    }
    UErrorCode status = U_ZERO_ERROR;
    utext_openUTF8(&ut_, s.data(), static_cast<std::int64_t>(s.size()), &status);
    if (U_FAILURE(status)) {
      throw std::runtime_error(u_errorName(status));
    }
  }
  ~Utf8Text() { utext_close(&ut_); }
  Utf8Text(const Utf8Text&) = delete;
  Utf8Text& operator=(const Utf8Text&) = delete;
  UText* get() { return &ut_; }

 private:
  UText ut_ = UTEXT_INITIALIZER;
};

std::unique_ptr<icu::BreakIterator> MakeIterator(bool words) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(
      words ? icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status)
            : icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !it) {
    throw std::runtime_error(std::string("ICU break iterator: ") + u_errorName(status));
  }
  return it;
}

}  // namespace

std::vector<Span> Paragraphs(std::string_view text) {
  std::vector<Span> out;
  std::size_t start = 0;
  bool seen_content = false;
  bool previous_blank = false;
  for (std::size_t pos = 0; pos < text.size();) {
    const Line line = NextLine(text, pos);
    const bool blank = IsBlank(text.substr(pos, line.content_end - pos));
    if (!blank) {
      if (seen_content && previous_blank) {
        out.push_back({start, pos});
        start = pos;
      }
      seen_content = true;
    }
    previous_blank = blank;
    pos = line.next;
  }
  if (!text.empty()) {
    out.push_back({start, text.size()});
  }
  return out;
}

struct Segmenter::Impl {
  std::unique_ptr<icu::BreakIterator> sentences = MakeIterator(false);
  std::unique_ptr<icu::BreakIterator> words = MakeIterator(true);
  std::string scratch;  // reused copy of the text with soft line breaks turned to spaces
};

Segmenter::Segmenter() : impl_(std::make_unique<Impl>()) {}
Segmenter::~Segmenter() = default;
Segmenter::Segmenter(Segmenter&&) noexcept = default;
Segmenter& Segmenter::operator=(Segmenter&&) noexcept = default;

std::vector<Span> Segmenter::Sentences(std::string_view text) {
  std::vector<Span> out;
  if (text.empty()) {
    return out;
  }
  // ICU ends a sentence at every line break; in a copy of the same length, line breaks
  // inside a paragraph become spaces so the offsets stay valid for `text`.
  std::string& buf = impl_->scratch;
  buf.assign(text);
  for (const Span& para : Paragraphs(text)) {
    std::size_t content_end = para.begin;
    for (std::size_t pos = para.begin; pos < para.end;) {
      const Line line = NextLine(text, pos);
      if (!IsBlank(text.substr(pos, line.content_end - pos))) {
        content_end = line.content_end;
      }
      pos = line.next;
    }
    for (std::size_t i = para.begin; i < content_end; ++i) {
      if (buf[i] == '\n' || buf[i] == '\r') {
        buf[i] = ' ';
      }
    }
  }
  Utf8Text ut(buf);
  UErrorCode status = U_ZERO_ERROR;
  icu::BreakIterator& it = *impl_->sentences;
  it.setText(ut.get(), status);
  if (U_FAILURE(status)) {
    throw std::runtime_error(u_errorName(status));
  }
  // Whitespace-only pieces (blank lines) join the sentence before them, or the one
  // after them at the very start of the text.
  bool leading_blank = false;
  std::size_t begin = 0;
  for (std::int32_t p = it.next(); p != icu::BreakIterator::DONE; p = it.next()) {
    const auto end = static_cast<std::size_t>(p);
    const bool blank = IsBlank(text.substr(begin, end - begin));
    if (!out.empty() && (blank || leading_blank)) {
      out.back().end = end;
      leading_blank = leading_blank && blank;
    } else {
      out.push_back({begin, end});
      leading_blank = blank;
    }
    begin = end;
  }
  return out;
}

std::vector<Span> Segmenter::Words(std::string_view text) {
  std::vector<Span> out;
  if (text.empty()) {
    return out;
  }
  Utf8Text ut(text);
  UErrorCode status = U_ZERO_ERROR;
  icu::BreakIterator& it = *impl_->words;
  it.setText(ut.get(), status);
  if (U_FAILURE(status)) {
    throw std::runtime_error(u_errorName(status));
  }
  std::size_t begin = 0;
  for (std::int32_t p = it.next(); p != icu::BreakIterator::DONE; p = it.next()) {
    const auto end = static_cast<std::size_t>(p);
    // Rule status >= UBRK_WORD_NUMBER: numbers, letters, kana, ideographs.
    if (it.getRuleStatus() >= UBRK_WORD_NUMBER) {
      out.push_back({begin, end});
    }
    begin = end;
  }
  return out;
}

}  // namespace longforge::text
