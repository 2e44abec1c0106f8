// Fuzz target: the exact BPE tokenizer (LONGFORGE_FUZZ_TOKENIZER, see tokenizer_env.h;
// every input is skipped without it). Any bytes are accepted.
//
// Properties: Count(x) == Encode(x).size(); every id is below VocabSize(); only empty
// text has no tokens; Decode(Encode(x)) == x for valid UTF-8 x, and for any x it is x
// with invalid bytes replaced by U+FFFD (either NFC-normalised when the tokenizer
// normalises; no tokenizer the project loads adds a prefix space).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "fuzz/tokenizer_env.h"
#include "longforge/common/unicode.h"
#include "longforge/common/utf8.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  longforge::fuzz::FuzzTokenizer();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace longforge;
  const text::BpeTokenizer* tokenizer = fuzz::FuzzTokenizer();
  if (tokenizer == nullptr) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const std::vector<text::TokenId> ids = tokenizer->Encode(input);
  FUZZ_CHECK(tokenizer->Count(input) == ids.size(), "Count equals the length of Encode");
  for (const text::TokenId id : ids)
    FUZZ_CHECK(id < tokenizer->VocabSize(), "ids in the vocabulary");
  FUZZ_CHECK(ids.empty() == input.empty(), "only empty text has no tokens");

  const std::string decoded = tokenizer->Decode(ids);
  const std::string repaired = ReplaceInvalidUtf8(input);
  auto nfc = NormalizeNfc(repaired);
  FUZZ_CHECK(nfc.ok(), "repaired text normalises");
  FUZZ_CHECK(decoded == repaired || decoded == nfc.value(), "Decode(Encode(x)) == x");
  return 0;
}
