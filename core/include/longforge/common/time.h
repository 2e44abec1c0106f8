#pragma once

#include <string>

namespace longforge {

// Current UTC time as "2026-11-23T21:06:52.123Z".
std::string NowIso8601();

}  // namespace longforge
