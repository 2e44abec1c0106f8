#include "sample_format.h"

#include <nlohmann/json.hpp>

namespace longforge::workers {

using nlohmann::json;

std::string RenderMessagesRecord(const envelope::SampleRecord& sample, bool accepted,
                                 bool full_context, const std::string& document) {
  const auto& r = sample.record;
  json evidence = json::array();
  for (const auto& e : r.evidence) evidence.push_back({e.begin, e.end});
  json meta = {{"sample_id", sample.sample_id},
               {"doc_id", r.task.doc_id},
               {"task_id", r.task.task_id},
               {"level", r.task.level},
               {"origin", r.task.origin},
               {"question_type", r.task.type},
               {"source_chunks", r.task.source_chunks},
               {"evidence", evidence},
               {"quotes", r.quotes},
               {"reference", r.task.reference ? json(*r.task.reference) : json(nullptr)},
               {"decision", sample.verdict.decision},
               {"reasons", sample.verdict.reasons},
               {"chunks_total", r.chunks_total},
               {"chunks_relevant", r.chunks_relevant},
               {"chunks_lost", r.chunks_lost},
               {"llm_calls", r.usage.calls},
               {"prompt_tokens", r.usage.prompt_tokens},
               {"completion_tokens", r.usage.completion_tokens},
               {"backend", r.backend},
               {"memory", json::array()}};
  for (const auto& m : r.task.memory) {
    meta["memory"].push_back({{"question", m.question}, {"answer", m.answer}});
  }
  json out;
  if (accepted) {
    std::string user;
    if (full_context) {
      user = document + "\n\n" + r.task.question;
    } else {
      for (const auto& q : r.quotes) user += q + "\n";
      user += "\n" + r.task.question;
    }
    out["messages"] = json::array(
        {{{"role", "user"}, {"content", user}}, {{"role", "assistant"}, {"content", r.answer}}});
  } else {
    out["question"] = r.task.question;
    out["answer"] = r.answer;
  }
  out["meta"] = std::move(meta);
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace longforge::workers
