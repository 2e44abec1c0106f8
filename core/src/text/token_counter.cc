#include "longforge/text/token_counter.h"

namespace longforge::text {

Result<std::unique_ptr<TokenCounter>> LoadTokenCounter(const std::string& path) {
  if (path.empty()) return MakeEstimator();
  return Error::Stop("--tokenizer " + path + ": exact tokenizers are not built yet");
}

}  // namespace longforge::text
