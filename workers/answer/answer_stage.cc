#include "workers/answer/answer_stage.h"

#include <algorithm>

#include "longforge/kafka/topics.h"
#include "longforge/llm/llm_config.h"
#include "workers/answer/keywords.h"
#include "workers/answer/llm_answer.h"
#include "workers/answer/planner.h"

namespace longforge::workers {
std::chrono::seconds DefaultGatherTimeout(int llm_timeout_s) {
  return std::chrono::seconds(std::max(60, 2 * llm_timeout_s));
}

std::vector<std::string> AnswerStage::Validate(const Options& options, const llm::LlmConfig& llm) {
  AnswerOptions answer = options.answer;
  answer.gather_timeout = options.gather_timeout.value_or(DefaultGatherTimeout(llm.timeout_s));
  auto problems = answer.Validate();
  for (auto more : {options.retrieval.Validate(), llm.Validate(kId)}) {
    problems.insert(problems.end(), more.begin(), more.end());
  }
  return problems;
}

Result<std::unique_ptr<kafka::Stage>> AnswerStage::Build(const Options& options,
                                                         const kafka::StageContext& c) {
  const llm::LlmEndpoint endpoint = c.llm.For(kId);
  // The results a task holds while it gathers are parked (AnswerWorker::Parked), not
  // work in progress, so the answer stage takes the same bound as every other stage.
  auto s = std::make_unique<kafka::BasicStage>(
      kId, std::vector<std::string>{kafka::kRelevanceResults},
      kafka::DefaultInFlight(c.max_in_flight, !endpoint.url.empty(), c.llm.concurrency));
  AnswerBackend* backend = nullptr;
  KeywordSource* keywords = nullptr;
  MultiHop multi_hop;
  NoteReducer* reducer = nullptr;
  if (endpoint.url.empty()) {
    backend = s->Own(MakeExtractiveAnswerBackend());
    keywords = s->Own(MakeExtractiveKeywordSource());
    reducer = s->Own(MakeExtractiveNoteReducer(c.counter));
  } else {
    auto client = llm::ConnectLlm(*s, c);
    if (!client) return client.error();
    LlmAnswerOptions ao;
    ao.model = endpoint.model;
    backend = s->Own(std::make_unique<LlmAnswerBackend>(*client.value(), ao));
    LlmKeywordOptions ko;
    ko.model = ao.model;
    keywords = s->Own(MakeLlmKeywordSource(*client.value(), ko));
    multi_hop = {s->Own(MakeLlmPlanner(*client.value(), ao.model)), &c.store};
    reducer = s->Own(MakeLlmNoteReducer(*client.value(), {ao.model}));
  }
  auto* retriever = s->Own(std::make_unique<Retriever>(c.store, c.counter, options.retrieval));
  AnswerOptions answer = options.answer;
  answer.gather_timeout = options.gather_timeout.value_or(DefaultGatherTimeout(c.llm.timeout_s));
  auto* probe = s->Own(std::make_unique<AnswerProbe>(c.registry));
  s->SetHandler(std::make_unique<AnswerWorker>(answer, *backend, retriever, keywords, multi_hop,
                                               probe, s->llm_health(), reducer));
  return std::unique_ptr<kafka::Stage>(std::move(s));
}

}  // namespace longforge::workers
