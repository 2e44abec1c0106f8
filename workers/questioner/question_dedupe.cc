#include "workers/questioner/question_dedupe.h"

#include <algorithm>
#include <limits>

namespace longforge::workers {
namespace {

// Decodes one code point at `i` (advancing it); invalid bytes come back as U+FFFD.
char32_t NextCodePoint(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? b : b & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

bool IsCjk(char32_t c) {
  return (c >= 0x2E80 && c <= 0x2FFF) || (c >= 0x3040 && c <= 0x9FFF) ||
         (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x3FFFF);
}

// Punctuation and spaces outside ASCII: general punctuation, CJK symbols, full-width
// forms' punctuation, no-break space.
bool IsSeparator(char32_t c) {
  return c == 0xA0 || (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
         (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || c == 0xFFFD;
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::vector<std::string_view> Words(std::string_view normalized) {
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

std::vector<std::string> Numbers(std::string_view question) {
  const std::string norm = NormalizeQuestion(question);
  std::vector<std::string> out;
  for (const auto w : Words(norm)) {
    if (w.find_first_of("0123456789") != std::string_view::npos) out.emplace_back(w);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string FoldSpaceAndCase(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

std::string NormalizeQuestion(std::string_view question) {
  std::string out;
  const auto space = [&out] {
    if (!out.empty() && out.back() != ' ') out += ' ';
  };
  for (std::size_t i = 0; i < question.size();) {
    const std::size_t at = i;
    const char32_t c = NextCodePoint(question, i);
    if (c < 0x80) {
      const auto a = static_cast<char>(c);
      if ((a >= '0' && a <= '9') || (a >= 'a' && a <= 'z')) {
        out += a;
      } else if (a >= 'A' && a <= 'Z') {
        out += static_cast<char>(a - 'A' + 'a');
      } else {
        space();
      }
    } else if (IsSeparator(c)) {
      space();
    } else if (IsCjk(c)) {
      space();
      out.append(question.substr(at, i - at));
      out += ' ';
    } else {
      out.append(question.substr(at, i - at));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

NearDuplicateFilter::Signature NearDuplicateFilter::SignatureOf(std::string_view question) {
  const std::string norm = NormalizeQuestion(question);
  const auto words = Words(norm);
  std::vector<uint64_t> shingles;
  for (std::size_t i = 0; i < words.size(); ++i) {
    shingles.push_back(Fnv1a(words[i]));
    if (i + 1 < words.size()) {
      shingles.push_back(Fnv1a(std::string(words[i]) + " " + std::string(words[i + 1])) ^ 1);
    }
  }
  Signature sig;
  sig.fill(std::numeric_limits<uint64_t>::max());
  for (std::size_t k = 0; k < kHashes; ++k) {
    const uint64_t salt = Mix(k + 1);
    for (const uint64_t s : shingles) sig[k] = std::min(sig[k], Mix(s ^ salt));
  }
  return sig;
}

double NearDuplicateFilter::Similarity(const Signature& a, const Signature& b) {
  std::size_t same = 0;
  for (std::size_t k = 0; k < kHashes; ++k) same += a[k] == b[k];
  return static_cast<double>(same) / kHashes;
}

bool NearDuplicateFilter::Admit(std::string_view question) {
  Kept candidate{SignatureOf(question), Numbers(question)};
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
