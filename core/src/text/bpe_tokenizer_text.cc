// Byte-level text helpers for the tokenizer: UTF-8 repair, base64, GPT-2's alphabet.

#include <array>
#include <cstdint>
#include <string>

#include "bpe_tokenizer_internal.h"

namespace longforge::text::bpe {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

void AppendUtf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::string ReplaceInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::size_t n = text.size();
  std::string out;
  out.reserve(n + 16);
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t c = s[i];
    if (c < 0x80) {
      out += char(c);
      ++i;
      continue;
    }
    std::size_t need = 0;
    std::uint8_t lo = 0x80, hi = 0xBF;  // bounds of the first continuation byte
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      out += kReplacement;
      ++i;
      continue;
    }
    // Consume continuation bytes while they fit; a prefix that stops early (the
    // "maximal subpart") becomes one U+FFFD and the offending byte is read again.
    std::size_t j = i + 1;
    bool complete = true;
    for (std::size_t k = 0; k < need; ++k, ++j, lo = 0x80, hi = 0xBF) {
      if (j >= n || s[j] < lo || s[j] > hi) {
        complete = false;
        break;
      }
    }
    if (complete) {
      out.append(text.substr(i, j - i));
    } else {
      out += kReplacement;
    }
    i = j;
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  static const std::array<std::int8_t, 256> kValue = [] {
    std::array<std::int8_t, 256> v{};
    v.fill(-1);
    const std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < alphabet.size(); ++i) v[std::uint8_t(alphabet[i])] = i;
    return v;
  }();
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::size_t pad = 0;
  while (pad < 2 && text[text.size() - 1 - pad] == '=') ++pad;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t acc = 0;
  for (std::size_t i = 0; i < text.size() - pad; ++i) {
    const std::int8_t v = kValue[std::uint8_t(text[i])];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | std::uint32_t(v);
    if (i % 4 == 3) {
      out += char(acc >> 16);
      out += char(acc >> 8);
      out += char(acc);
      acc = 0;
    }
  }
  if (pad == 1) {
    out += char(acc >> 10);
    out += char(acc >> 2);
  } else if (pad == 2) {
    out += char(acc >> 4);
  }
  return out;
}

const std::array<std::string, 256>& ByteLevelAlphabet() {
  static const std::array<std::string, 256> kAlphabet = [] {
    // Printable Latin-1 bytes stand for themselves; the other 68 bytes take the code
    // points from U+0100 upwards, in byte order.
    std::array<std::string, 256> a;
    std::uint32_t next = 256;
    for (std::uint32_t b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      AppendUtf8(printable ? b : next++, a[b]);
    }
    return a;
  }();
  return kAlphabet;
}

}  // namespace longforge::text::bpe
