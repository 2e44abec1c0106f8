#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace longforge::text {

// The language of `text` as an ISO 639 code ("en", "zh", "fr", …) by CLD2, or nullopt
// when CLD2 is not confident. Script variants fold to one code ("zh-Hant" → "zh").
// Thread-safe.
std::optional<std::string> DetectLanguage(std::string_view text);

}  // namespace longforge::text
