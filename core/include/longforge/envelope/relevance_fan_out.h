#pragma once
// How a task reaches every chunk of its document: one lf.relevance.requests message per
// chunk and group of tasks. The questioner fans out new tasks with it and the answer
// stage fans out Lv3 sub-questions, so both are read the same way.

#include <cstddef>
#include <vector>

#include "longforge/envelope/chunk_table.h"
#include "longforge/envelope/messages.h"
#include "longforge/kafka/handler.h"

namespace longforge::envelope {

// For every chunk of `table` (in order), `tasks` in groups of at most `tasks_per_request`
// (≥ 1; several questions share one LLM call). Keyed "<doc_id>:<chunk index>".
kafka::Outputs RelevanceRequestsFor(const ChunkTable& table, const std::vector<Task>& tasks,
                                    std::size_t tasks_per_request);

}  // namespace longforge::envelope
