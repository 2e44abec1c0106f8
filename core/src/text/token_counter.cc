#include "longforge/text/token_counter.h"

#include "longforge/text/bpe_tokenizer.h"

namespace longforge::text {

Result<std::unique_ptr<TokenCounter>> LoadTokenCounter(const std::string& path) {
  if (path.empty()) return MakeEstimator();
  auto tokenizer = BpeTokenizer::Load(path);
  if (!tokenizer.ok()) return tokenizer.error();
  return std::unique_ptr<TokenCounter>(std::move(tokenizer.value()));
}

}  // namespace longforge::text
