#pragma once
// What the review page shows of one sample (GET /api/samples/ID): the whole question and
// answer, the meta as the sink wrote it, each evidence span in place — inside the
// document text around it, read from the store — and the human decisions on it.

#include <nlohmann/json.hpp>

#include "longforge/store/document_store.h"
#include "review/decision_log.h"
#include "review/sample_index.h"

namespace longforge::review {

// Bytes of document text shown before and after an evidence span, and at most of the
// span itself (a longer one is cut, and says so).
inline constexpr uint64_t kAroundBytes = 700;
inline constexpr uint64_t kMaxSpanBytes = 32 * 1024;

// `store` may be null (evidence then comes without text). Error: kRetry when the line
// cannot be read, kStop when it no longer parses (the file changed under the server).
Result<nlohmann::json> SampleView(const SampleIndex& index, std::size_t i,
                                  const store::DocumentStore* store, const DecisionLog& log);

// A decision as the page shows it.
nlohmann::json DecisionJson(const DecisionRecord& record);

}  // namespace longforge::review
