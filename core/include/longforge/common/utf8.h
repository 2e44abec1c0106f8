#pragma once
// UTF-8 checks for untrusted input (files, Kafka payloads).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace longforge {

// Byte offset of the first byte that does not start a well-formed UTF-8 sequence
// (overlongs, surrogates and code points above U+10FFFF are ill-formed), or nullopt.
std::optional<std::size_t> FindInvalidUtf8(std::string_view text);

// Well-formed UTF-8 with every maximal ill-formed subsequence replaced by U+FFFD
// (Unicode "substitution of maximal subparts", what a browser's TextDecoder does).
std::string ReplaceInvalidUtf8(std::string_view text);

// Standard base64 (RFC 4648, with padding), for carrying arbitrary bytes in JSON.
std::string Base64Encode(std::string_view bytes);
// The inverse; nullopt on a malformed string.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace longforge
