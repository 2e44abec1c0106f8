#pragma once

#include <string>
#include <string_view>

namespace longforge {

// XXH3-128 of `bytes` as 32 lowercase hex digits. Stable across machines and
// versions of longforge: ids derived from it (documents, tasks, samples) are keys.
std::string Hash128Hex(std::string_view bytes);

}  // namespace longforge
