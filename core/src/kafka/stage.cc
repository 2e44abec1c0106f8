#include "longforge/kafka/stage.h"

#include <algorithm>

namespace longforge::kafka {

std::size_t DefaultInFlight(std::size_t max_in_flight, bool calls_llm, int llm_concurrency) {
  if (max_in_flight > 0) return max_in_flight;
  constexpr std::size_t kDefault = 256;
  if (!calls_llm || llm_concurrency <= 0) return kDefault;
  return std::max(kDefault, 2 * static_cast<std::size_t>(llm_concurrency));
}

BasicStage::~BasicStage() {
  connection_.reset();
  handler_.reset();
  while (!parts_.empty()) parts_.pop_back();
}

}  // namespace longforge::kafka
