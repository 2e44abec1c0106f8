#include <cstdint>

#include "longforge/text/token_counter.h"

namespace longforge::text {
namespace {

class Estimator final : public TokenCounter {
 public:
  std::size_t Count(std::string_view text) const override {
    std::size_t tokens = 0;
    std::size_t ascii_run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto c = static_cast<std::uint8_t>(text[i]);
      if (c < 0x80) {
        ++ascii_run;
        continue;
      }
      tokens += (ascii_run + 2) / 3;
      ascii_run = 0;
      // Count lead bytes and stray bytes; continuation bytes belong to their lead.
      if ((c & 0xC0) != 0x80) ++tokens;
    }
    return tokens + (ascii_run + 2) / 3;
  }
  std::string Name() const override { return "estimate"; }
};

}  // namespace

std::unique_ptr<TokenCounter> MakeEstimator() { return std::make_unique<Estimator>(); }

}  // namespace longforge::text
