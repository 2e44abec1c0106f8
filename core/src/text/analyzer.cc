#include "longforge/text/analyzer.h"

#include <libstemmer.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <new>
#include <stdexcept>
#include <unordered_map>

#include "longforge/text/segmenter.h"

namespace longforge::text {
namespace {

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};
using Stemmer = std::unique_ptr<sb_stemmer, StemmerDeleter>;

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

// Latin script (Basic Latin through Latin Extended-B) is what Snowball English is
// meant for; it would mangle nothing else, but stemming other scripts is meaningless.
bool IsLatinOnly(std::string_view s) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(s.data());
  const auto length = static_cast<std::int32_t>(s.size());
  for (std::int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0 || c > 0x24F) {
      return false;
    }
  }
  return true;
}

// Case folding; ASCII, nearly every English word, skips the UTF-16 round trip.
void Fold(std::string_view word, std::string& out) {
  out.clear();
  if (IsAscii(word)) {
    out.assign(word);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
    }
    return;
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(word.data(), static_cast<std::int32_t>(word.size())));
  u.foldCase();
  u.toUTF8String(out);
  // ICU words keep an inner apostrophe; English text often types it as ’ (U+2019).
  for (std::size_t p = out.find("\xE2\x80\x99"); p != std::string::npos;
       p = out.find("\xE2\x80\x99", p + 1)) {
    out.replace(p, 3, "'");
  }
}

}  // namespace

// Stemming is a third of the analysis time and a book has only tens of thousands of
// distinct words, so stems are memoised; the memo is dropped when it grows past this
// bound so a long-lived Analyzer stays small.
constexpr std::size_t kMaxMemoisedStems = 1 << 16;

struct Analyzer::Impl {
  Segmenter segmenter;
  Stemmer stemmer{sb_stemmer_new("english", nullptr)};
  std::string folded;  // scratch, reused across words
  std::unordered_map<std::string, std::string> stems;

  const std::string& Stem(const std::string& word) {
    if (const auto it = stems.find(word); it != stems.end()) {
      return it->second;
    }
    const sb_symbol* stem =
        sb_stemmer_stem(stemmer.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                        static_cast<int>(word.size()));
    if (stem == nullptr) {
      throw std::bad_alloc();  // libstemmer's only failure
    }
    const auto length = static_cast<std::size_t>(sb_stemmer_length(stemmer.get()));
    if (stems.size() >= kMaxMemoisedStems) {
      stems.clear();
    }
    return stems.emplace(word, std::string(reinterpret_cast<const char*>(stem), length))
        .first->second;
  }
};

Analyzer::Analyzer() : impl_(std::make_unique<Impl>()) {
  if (!impl_->stemmer) {
    throw std::runtime_error("libstemmer: no English stemmer");
  }
}
Analyzer::~Analyzer() = default;
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;

std::vector<std::string> Analyzer::Analyze(std::string_view text) {
  std::vector<std::string> terms;
  AnalyzeInto(text, terms);
  return terms;
}

void Analyzer::AnalyzeInto(std::string_view text, std::vector<std::string>& terms) {
  std::string& folded = impl_->folded;
  for (const Span& word : impl_->segmenter.Words(text)) {
    Fold(word.In(text), folded);
    if (folded.empty() || IsStopWord(folded)) {
      continue;
    }
    if (!IsLatinOnly(folded)) {
      terms.push_back(folded);
      continue;
    }
    terms.push_back(impl_->Stem(folded));
  }
}

}  // namespace longforge::text
