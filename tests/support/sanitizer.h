#pragma once
// Wall-clock bounds of tests are set for the normal build. Under AddressSanitizer and
// UBSan (-DLONGFORGE_SANITIZE=ON defines LONGFORGE_SANITIZED) the same work takes
// several times longer, so the bounds that wait for work to finish are stretched by
// kSanitizerSlowdown there. Only upper bounds are stretched: a passing test waits no
// longer than before, a failing one fails later.

#include <chrono>

namespace longforge::testing {

#ifdef LONGFORGE_SANITIZED
inline constexpr int kSanitizerSlowdown = 4;
// AddressSanitizer keeps freed memory in quarantine and puts redzones around every
// allocation: a peak resident size is about this many times the normal build's
// (measured: a 60 MiB document's run peaked at 150 MiB normally, 725 MiB sanitized).
inline constexpr double kSanitizerMemoryFactor = 6;
#else
inline constexpr int kSanitizerSlowdown = 1;
inline constexpr double kSanitizerMemoryFactor = 1;
#endif

// `bound` as it applies to this build.
inline std::chrono::milliseconds Stretched(std::chrono::milliseconds bound) {
  return bound * kSanitizerSlowdown;
}

}  // namespace longforge::testing
