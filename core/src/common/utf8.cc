#include "longforge/common/utf8.h"

#include <array>
#include <cstdint>

namespace longforge {
namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::size_t CodePointPrefix(std::string_view text, std::size_t max_bytes) {
  if (max_bytes >= text.size()) return text.size();
  // A code point, or an ill-formed subpart, is at most four bytes and only its first may
  // be other than a continuation byte; so the walk to `max_bytes` can start at the last
  // such byte within three before it. Without one, text[max_bytes] is a stray byte.
  std::size_t lead = max_bytes;
  while (lead > 0 && max_bytes - lead < 3 && IsContinuation(text[lead])) --lead;
  if (IsContinuation(text[lead])) return max_bytes;
  std::size_t at = lead;
  while (at < max_bytes) {
    const std::size_t next = DecodeUtf8(text, at).end();
    if (next > max_bytes) return at;
    at = next;
  }
  return at;
}

void AppendUtf8(std::string& out, char32_t c) {
  if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) c = 0xFFFD;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::optional<std::size_t> FindInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  std::size_t subpart = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = utf8_internal::SequenceAt(s, text.size(), i, subpart);
    if (len == 0) return i;
    i += len;
  }
  return std::nullopt;
}

std::string ReplaceInvalidUtf8(std::string_view text) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t subpart = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = utf8_internal::SequenceAt(s, text.size(), i, subpart);
    if (len > 0) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += kReplacement;
      i += subpart;
    }
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint8_t(bytes[i]) << 16) | (std::uint8_t(bytes[i + 1]) << 8) |
                            std::uint8_t(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t v = std::uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= std::uint8_t(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
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

}  // namespace longforge
