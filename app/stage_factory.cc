#include "stage_factory.h"

#include <algorithm>

#include "longforge/kafka/topics.h"
#include "workers/answer/keywords.h"
#include "workers/answer/llm_answer.h"
#include "workers/filter/answer_judge.h"
#include "workers/questioner/extractive_generator.h"
#include "workers/questioner/llm_generator.h"
#include "workers/relevance/extractive_judge.h"
#include "workers/relevance/llm_judge.h"
#include "workers/relevance/relevance_worker.h"

namespace longforge::app {
namespace {

// A stage plus whatever its handler borrows (backends, probes), kept alive with it.
class OwningStage final : public Stage {
 public:
  OwningStage(std::string name, std::vector<std::string> inputs, std::size_t in_flight) {
    name_ = std::move(name);
    inputs_ = std::move(inputs);
    max_in_flight_ = in_flight;
  }
  // The client goes first: it fails its outstanding calls, whose callbacks may still
  // use the backends and the handler, which are destroyed after it.
  ~OwningStage() override { client.reset(); }
  void SetHandler(std::unique_ptr<kafka::Handler> h) { handler_ = std::move(h); }
  std::unique_ptr<workers::ChunkerProbe> chunker_probe;
  std::unique_ptr<workers::FilterProbe> filter_probe;
  std::unique_ptr<llm::LlmProbe> llm_probe;
  std::unique_ptr<workers::RelevanceProbe> relevance_probe;
  // Declared before the users of the client so that it is destroyed after them.
  std::unique_ptr<llm::ChatClient> client;
  std::unique_ptr<workers::RelevanceJudge> judge;
  std::unique_ptr<workers::AnswerBackend> answer_backend;
  std::unique_ptr<workers::Retriever> retriever;
  std::unique_ptr<workers::KeywordSource> keywords;
  std::unique_ptr<workers::Planner> planner;
  std::unique_ptr<workers::QuestionGenerator> question_generator;
  std::unique_ptr<workers::AnswerJudge> answer_judge;
};

}  // namespace

const std::vector<std::string>& StageNames() {
  static const std::vector<std::string> kNames = {"chunker", "questioner", "relevance",
                                                  "answer",  "filter",     "sink"};
  return kNames;
}

std::vector<std::string> PipelineConfig::Validate(const std::vector<std::string>& stages) const {
  std::vector<std::string> problems;
  const auto add = [&](const std::vector<std::string>& p) {
    problems.insert(problems.end(), p.begin(), p.end());
  };
  const auto has = [&](const char* s) {
    return std::find(stages.begin(), stages.end(), s) != stages.end();
  };
  if (has("chunker")) add(chunker.Validate());
  if (has("questioner")) add(questioner.Validate());
  if (has("answer")) add(answer.Validate());
  if (has("filter")) add(filter.Validate());
  if (has("sink")) add(sink.Validate());
  if (has("answer")) add(retrieval.Validate());
  if (has("relevance") || has("answer")) add(llm.Validate());
  return problems;
}

std::size_t PipelineConfig::InFlightFor(const std::string& name) const {
  std::size_t n = max_in_flight;
  if (n == 0) {
    n = 256;
    const bool calls_llm = name == "relevance" || name == "questioner" || name == "filter";
    if (calls_llm && !llm.For(name).url.empty() && llm.concurrency > 0) {
      n = std::max<std::size_t>(n, 2 * static_cast<std::size_t>(llm.concurrency));
    }
  }
  return name == "answer" ? std::max<std::size_t>(n, 200000) : n;
}

Result<std::unique_ptr<Stage>> Stage::Create(const std::string& name, const PipelineConfig& config,
                                             store::DocumentStore& store,
                                             const text::TokenCounter& counter,
                                             prometheus::Registry& registry) {
  using namespace longforge::kafka;
  if (name == "chunker") {
    auto s = std::make_unique<OwningStage>(name, std::vector<std::string>{kDocuments},
                                           config.InFlightFor(name));
    s->chunker_probe = std::make_unique<workers::ChunkerProbe>(registry);
    s->SetHandler(std::make_unique<workers::ChunkerWorker>(config.chunker, store, counter,
                                                           s->chunker_probe.get()));
    return std::unique_ptr<Stage>(std::move(s));
  }
  if (name == "questioner") {
    auto s = std::make_unique<OwningStage>(name, std::vector<std::string>{kChunked},
                                           config.InFlightFor(name));
    auto worker = std::make_unique<workers::QuestionerWorker>(config.questioner, store);
    if (config.llm.For(name).url.empty()) {
      s->question_generator = std::make_unique<workers::ExtractiveQuestionGenerator>();
    } else {
      s->llm_probe = std::make_unique<llm::LlmProbe>(registry);
      auto client = MakeChatClient(config.llm, name, s->llm_probe.get());
      if (!client) return client.error();
      s->client = std::move(client.value());
      workers::LlmGeneratorOptions go;
      go.model = config.llm.For(name).model;
      go.display_name = "llm:" + go.model;
      s->question_generator = std::make_unique<workers::LlmQuestionGenerator>(*s->client, go);
    }
    worker->SetGenerator(s->question_generator.get());
    s->SetHandler(std::move(worker));
    return std::unique_ptr<Stage>(std::move(s));
  }
  if (name == "relevance") {
    auto s = std::make_unique<OwningStage>(name, std::vector<std::string>{kRelevanceRequests},
                                           config.InFlightFor(name));
    if (config.llm.For(name).url.empty()) {
      s->judge = std::make_unique<workers::ExtractiveJudge>();
    } else {
      s->llm_probe = std::make_unique<llm::LlmProbe>(registry);
      s->relevance_probe = std::make_unique<workers::RelevanceProbe>(registry);
      auto client = MakeChatClient(config.llm, name, s->llm_probe.get());
      if (!client) return client.error();
      s->client = std::move(client.value());
      workers::LlmJudgeOptions jo;
      jo.model = config.llm.For(name).model;
      jo.display_name = "llm:" + jo.model;
      auto judge = workers::LlmRelevanceJudge::Create(*s->client, jo, s->relevance_probe.get());
      if (!judge) return judge.error();
      s->judge = std::move(judge.value());
    }
    s->SetHandler(std::make_unique<workers::RelevanceWorker>(store, *s->judge));
    return std::unique_ptr<Stage>(std::move(s));
  }
  if (name == "answer") {
    auto s = std::make_unique<OwningStage>(name, std::vector<std::string>{kRelevanceResults},
                                           config.InFlightFor(name));
    if (config.llm.For(name).url.empty()) {
      s->answer_backend = workers::MakeExtractiveAnswerBackend();
      s->keywords = workers::MakeExtractiveKeywordSource();
    } else {
      s->llm_probe = std::make_unique<llm::LlmProbe>(registry);
      auto client = MakeChatClient(config.llm, name, s->llm_probe.get());
      if (!client) return client.error();
      s->client = std::move(client.value());
      workers::LlmAnswerOptions ao;
      ao.model = config.llm.For(name).model;
      s->answer_backend = std::make_unique<workers::LlmAnswerBackend>(*s->client, ao);
      workers::LlmKeywordOptions ko;
      ko.model = ao.model;
      s->keywords = workers::MakeLlmKeywordSource(*s->client, ko);
      s->planner = workers::MakeLlmPlanner(*s->client, ao.model);
    }
    s->retriever = std::make_unique<workers::Retriever>(store, counter, config.retrieval);
    auto worker = std::make_unique<workers::AnswerWorker>(config.answer, *s->answer_backend,
                                                          s->retriever.get(), s->keywords.get());
    // Multi-hop needs a model to plan; with the baseline, level 3 runs as level 2.
    if (s->planner) worker->EnableMultiHop(s->planner.get(), &store);
    s->SetHandler(std::move(worker));
    return std::unique_ptr<Stage>(std::move(s));
  }
  if (name == "filter") {
    auto s = std::make_unique<OwningStage>(name, std::vector<std::string>{kAnswers},
                                           config.InFlightFor(name));
    s->filter_probe = std::make_unique<workers::FilterProbe>(registry);
    auto worker = std::make_unique<workers::FilterWorker>(config.filter, s->filter_probe.get());
    worker->SetStore(&store);  // grounding reads the evidence passages
    if (!config.llm.For(name).url.empty()) {
      s->llm_probe = std::make_unique<llm::LlmProbe>(registry);
      auto client = MakeChatClient(config.llm, name, s->llm_probe.get());
      if (!client) return client.error();
      s->client = std::move(client.value());
      auto judge = workers::LlmAnswerJudge::Create(
          *s->client, workers::LlmAnswerJudgeOptions{config.llm.For(name).model, 256});
      if (!judge) return judge.error();
      s->answer_judge = std::move(judge.value());
      worker->SetJudge(s->answer_judge.get());
    }
    s->SetHandler(std::move(worker));
    return std::unique_ptr<Stage>(std::move(s));
  }
  if (name == "sink") {
    auto s = std::make_unique<OwningStage>(name, std::vector<std::string>{kDataset, kRejected},
                                           config.InFlightFor(name));
    auto sink = workers::SinkWorker::Open(config.sink, store);
    if (!sink) return sink.error();
    s->SetHandler(std::move(sink.value()));
    return std::unique_ptr<Stage>(std::move(s));
  }
  std::string known;
  for (const auto& n : StageNames()) known += " " + n;
  return Error::Stop("unknown stage \"" + name + "\"; stages are:" + known);
}

}  // namespace longforge::app
