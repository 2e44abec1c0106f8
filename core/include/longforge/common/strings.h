#pragma once

#include <string_view>

namespace longforge {

// `s` without leading and trailing ASCII whitespace (space, tab, CR, LF, FF, VT).
std::string_view TrimAsciiSpace(std::string_view s);

}  // namespace longforge
