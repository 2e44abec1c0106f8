#include "workers/questioner/question_dedupe.h"

#include <algorithm>
#include <limits>

#include "longforge/common/utf8.h"
#include "longforge/text/normalize.h"

namespace longforge::workers {
namespace {

// Unicode spaces, punctuation outside ASCII (general punctuation, CJK symbols; the
// full-width forms are ASCII after FoldWidth), and U+FFFD (ill-formed bytes).
bool IsSeparator(char32_t c) {
  return text::IsWhitespace(c) || (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
         c == 0xFFFD;
}

}  // namespace

std::string NormalizeQuestion(std::string_view question) {
  std::string out;
  const auto space = [&out] {
    if (!out.empty() && out.back() != ' ') out += ' ';
  };
  for (const CodePoint& cp : text::CodePoints(question)) {
    const char32_t c = text::FoldCase(text::FoldWidth(cp.value));
    if (c < 0x80) {
      const auto a = static_cast<char>(c);
      if ((a >= '0' && a <= '9') || (a >= 'a' && a <= 'z')) {
        out += a;
      } else {
        space();
      }
    } else if (IsSeparator(c)) {
      space();
    } else {
      const bool cjk = text::IsCjk(c);
      if (cjk) space();
      if (c == cp.value) {
        out.append(question, cp.offset, cp.size);
      } else {
        AppendUtf8(out, c);
      }
      if (cjk) out += ' ';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

uint64_t TokenHash(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

uint64_t MixHash(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::vector<std::string_view> QuestionTokens(std::string_view normalized) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= normalized.size(); ++i) {
    if (i == normalized.size() || normalized[i] == ' ') {
      if (i > start) words.push_back(normalized.substr(start, i - start));
      start = i + 1;
    }
  }
  return words;
}

std::vector<std::string> QuestionNumbers(std::string_view question) {
  const std::string norm = NormalizeQuestion(question);
  std::vector<std::string> out;
  for (const auto w : QuestionTokens(norm)) {
    if (w.find_first_of("0123456789") != std::string_view::npos) out.emplace_back(w);
  }
  std::sort(out.begin(), out.end());
  return out;
}

NearDuplicateFilter::Signature NearDuplicateFilter::SignatureOf(std::string_view question) {
  const std::string norm = NormalizeQuestion(question);
  const auto words = QuestionTokens(norm);
  std::vector<uint64_t> shingles;
  for (std::size_t i = 0; i < words.size(); ++i) {
    shingles.push_back(TokenHash(words[i]));
    if (i + 1 < words.size()) {
      shingles.push_back(TokenHash(std::string(words[i]) + " " + std::string(words[i + 1])) ^ 1);
    }
  }
  Signature sig;
  sig.fill(std::numeric_limits<uint64_t>::max());
  for (std::size_t k = 0; k < kHashes; ++k) {
    const uint64_t salt = MixHash(k + 1);
    for (const uint64_t s : shingles) sig[k] = std::min(sig[k], MixHash(s ^ salt));
  }
  return sig;
}

double NearDuplicateFilter::Similarity(const Signature& a, const Signature& b) {
  std::size_t same = 0;
  for (std::size_t k = 0; k < kHashes; ++k) same += a[k] == b[k];
  return static_cast<double>(same) / kHashes;
}

bool NearDuplicateFilter::Admit(std::string_view question) {
  Kept candidate{SignatureOf(question), QuestionNumbers(question)};
  for (const auto& kept : kept_) {
    if (kept.numbers == candidate.numbers &&
        Similarity(candidate.signature, kept.signature) >= threshold_) {
      return false;
    }
  }
  kept_.push_back(std::move(candidate));
  return true;
}

}  // namespace longforge::workers
