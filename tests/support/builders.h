#pragma once
// Builders for the messages tests feed to stages, so each test states only what it is
// about and every test builds the same well-formed rest.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "longforge/envelope/messages.h"

namespace longforge::builders {

// One chunk's relevance result for `task`: chunk `index` of `count`, each chunk 100
// bytes ([index*100, index*100+100)) of 30 tokens, with one LLM call's usage.
inline envelope::RelevanceResult RelevanceResultFor(envelope::Task task, uint32_t index,
                                                    uint32_t count,
                                                    envelope::RelevanceVerdict verdict,
                                                    std::vector<std::string> quotes = {},
                                                    std::string backend = "recording") {
  envelope::RelevanceResult r;
  r.task = std::move(task);
  r.chunk = {index, index * 100u, index * 100u + 100, 30};
  r.chunk_count = count;
  r.verdict = verdict;
  r.quotes = std::move(quotes);
  r.backend = std::move(backend);
  r.usage = {1, 100, 10, 0};
  return r;
}

// A task as the questioner writes it: id, document, question and level.
inline envelope::Task TaskFor(std::string task_id, std::string doc_id, std::string question,
                              int level = 2) {
  envelope::Task t;
  t.task_id = std::move(task_id);
  t.doc_id = std::move(doc_id);
  t.question = std::move(question);
  t.level = level;
  return t;
}

}  // namespace longforge::builders
