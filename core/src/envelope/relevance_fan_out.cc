#include "longforge/envelope/relevance_fan_out.h"

#include <algorithm>

#include "longforge/kafka/topics.h"

namespace longforge::envelope {

kafka::Outputs RelevanceRequestsFor(const ChunkTable& table, const std::vector<Task>& tasks,
                                    std::size_t tasks_per_request) {
  const std::size_t per = std::max<std::size_t>(1, tasks_per_request);
  kafka::Outputs out;
  out.reserve(table.chunks.size() * ((tasks.size() + per - 1) / per));
  for (const ChunkRef& chunk : table.chunks) {
    for (std::size_t i = 0; i < tasks.size(); i += per) {
      RelevanceRequest req;
      req.tasks.assign(tasks.begin() + static_cast<long>(i),
                       tasks.begin() + static_cast<long>(std::min(tasks.size(), i + per)));
      req.chunk = chunk;
      req.chunk_count = static_cast<uint32_t>(table.chunks.size());
      out.push_back({kafka::kRelevanceRequests, table.doc_id + ":" + std::to_string(chunk.index),
                     Encode(req)});
    }
  }
  return out;
}

}  // namespace longforge::envelope
