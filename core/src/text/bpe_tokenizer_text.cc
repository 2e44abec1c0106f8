// GPT-2 byte-level alphabet for the tokenizer (UTF-8 repair and base64 live in common/utf8).

#include <array>
#include <cstdint>
#include <string>

#include "bpe_tokenizer_internal.h"
#include "longforge/common/utf8.h"

namespace longforge::text::bpe {

const std::array<std::string, 256>& ByteLevelAlphabet() {
  static const std::array<std::string, 256> kAlphabet = [] {
    // Printable Latin-1 bytes stand for themselves; the other 68 bytes take the code
    // points from U+0100 upwards, in byte order.
    std::array<std::string, 256> a;
    std::uint32_t next = 256;
    for (std::uint32_t b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      AppendUtf8(a[b], printable ? b : next++);
    }
    return a;
  }();
  return kAlphabet;
}

}  // namespace longforge::text::bpe
