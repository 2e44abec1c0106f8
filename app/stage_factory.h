#pragma once
// Builds any stage of the pipeline (handler, backends, probes) from one config, for
// `longforge worker NAME` (one stage per process) and `longforge run` (all stages).

#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <vector>

#include "llm_config.h"
#include "longforge/kafka/handler.h"
#include "longforge/store/document_store.h"
#include "longforge/text/token_counter.h"
#include "workers/answer/answer_worker.h"
#include "workers/answer/retriever.h"
#include "workers/chunker/chunker_worker.h"
#include "workers/filter/filter_worker.h"
#include "workers/questioner/questioner_worker.h"
#include "workers/sink/sink_worker.h"

namespace longforge::app {

struct PipelineConfig {
  workers::ChunkerOptions chunker;
  workers::QuestionerOptions questioner;
  workers::AnswerOptions answer;
  workers::FilterOptions filter;
  workers::SinkOptions sink;
  workers::RetrievalOptions retrieval;
  LlmConfig llm;
  bool order_by_length = false;   // --order length: sort dataset.jsonl when the run ends
  std::size_t max_in_flight = 0;  // --max-in-flight: per stage; 0 = InFlightFor's default

  // Every problem of every stage listed in `stages`, at once.
  std::vector<std::string> Validate(const std::vector<std::string>& stages) const;
  // Messages stage `name` works on at once: --max-in-flight when given; by default 256,
  // and at least twice --llm-concurrency for a stage that calls an LLM (a message keeps
  // its slot while its output awaits the broker's acknowledgement, and the server must
  // not idle meanwhile). The answer stage holds every result of a task until the task
  // completes, so its bound (in messages, not in work) is far larger.
  std::size_t InFlightFor(const std::string& name) const;
};

// chunker, questioner, relevance, answer, filter, sink — in pipeline order.
const std::vector<std::string>& StageNames();

class Stage {
 public:
  static Result<std::unique_ptr<Stage>> Create(const std::string& name,
                                               const PipelineConfig& config,
                                               store::DocumentStore& store,
                                               const text::TokenCounter& counter,
                                               prometheus::Registry& registry);
  virtual ~Stage() = default;
  const std::string& name() const { return name_; }
  const std::vector<std::string>& inputs() const { return inputs_; }
  std::size_t max_in_flight() const { return max_in_flight_; }
  kafka::Handler& handler() { return *handler_; }

 protected:
  std::string name_;
  std::vector<std::string> inputs_;
  std::size_t max_in_flight_ = 256;
  std::unique_ptr<kafka::Handler> handler_;
};

}  // namespace longforge::app
