#pragma once

#include <string>
#include <string_view>

#include "longforge/common/error.h"

namespace longforge {

// Unicode NFC of valid UTF-8 text (ICU). Text already in NFC (almost every real
// document) is returned as given, without a normalised UTF-16 copy converted back.
Result<std::string> NormalizeNfc(std::string_view utf8);

}  // namespace longforge
