#pragma once

#include <string>
#include <string_view>

#include "longforge/common/error.h"

namespace longforge {

// Unicode NFC of valid UTF-8 text (ICU). Fast path: text ICU finds already in NFC
// (almost every real document) is returned unchanged without building a copy in UTF-16.
Result<std::string> NormalizeNfc(std::string_view utf8);

}  // namespace longforge
