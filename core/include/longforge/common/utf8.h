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

// Standard base64 (RFC 4648, with padding), for carrying arbitrary bytes in JSON.
std::string Base64Encode(std::string_view bytes);

}  // namespace longforge
