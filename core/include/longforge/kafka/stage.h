#pragma once
// One shape for every pipeline stage. A stage's descriptor (workers/<stage>/<stage>_stage.h)
// builds a `Stage` from its options and a `StageContext`; `longforge worker NAME` runs one
// built stage per process and `longforge run` runs all of them, through the same run loop.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "longforge/common/dependency_health.h"
#include "longforge/common/error.h"
#include "longforge/common/stage.h"
#include "longforge/kafka/handler.h"

namespace prometheus {
class Registry;
}
namespace longforge::store {
class DocumentStore;
}
namespace longforge::text {
class TokenCounter;
}
namespace longforge::llm {
struct LlmConfig;
}

namespace longforge::kafka {

// What a stage borrows while it runs; the caller keeps all of it alive longer than
// every stage built from it.
struct StageContext {
  store::DocumentStore& store;
  const text::TokenCounter& counter;
  prometheus::Registry& registry;  // the stage's probes register here
  const llm::LlmConfig& llm;       // which LLM each stage talks to
  std::size_t max_in_flight = 0;   // --max-in-flight; 0 = DefaultInFlight
};

// Messages a stage works on at once, the same rule for every stage: --max-in-flight
// when given; else 256, and at least twice the LLM concurrency for a stage that calls
// an LLM (a message keeps its slot while its output awaits the broker's acknowledgement,
// and the server must not idle meanwhile).
std::size_t DefaultInFlight(std::size_t max_in_flight, bool calls_llm, int llm_concurrency);

// A built stage: its handler and everything the handler borrows (backends, LLM client,
// probes), which live exactly as long as the stage.
class Stage {
 public:
  virtual ~Stage() = default;
  virtual PipelineStage id() const = 0;
  virtual const std::vector<std::string>& inputs() const = 0;  // topics it consumes
  virtual std::size_t max_in_flight() const = 0;
  virtual Handler& handler() = 0;
  // The health of the LLM server the stage talks to, or null for a stage without one.
  // Lives as long as the stage.
  virtual const DependencyHealth* llm_health() const { return nullptr; }
  // After the run loop stopped: work a stage does once its input has ended (the sink
  // sorts its dataset by length when asked to).
  virtual Status Finish() { return {}; }
};

// The common part of every stage: its id, inputs, in-flight bound and handler, and the
// parts the handler borrows (backends, probes, an LLM client), which the stage owns.
// Teardown order: the connection first (an LLM client fails its outstanding calls,
// whose callbacks may still use the handler and the parts), then the handler, then the
// parts, newest first.
class BasicStage : public Stage {
 public:
  BasicStage(PipelineStage id, std::vector<std::string> inputs, std::size_t max_in_flight)
      : id_(id), inputs_(std::move(inputs)), max_in_flight_(max_in_flight) {}
  ~BasicStage() override;
  BasicStage(const BasicStage&) = delete;
  BasicStage& operator=(const BasicStage&) = delete;

  PipelineStage id() const override { return id_; }
  const std::vector<std::string>& inputs() const override { return inputs_; }
  std::size_t max_in_flight() const override { return max_in_flight_; }
  Handler& handler() override { return *handler_; }
  const DependencyHealth* llm_health() const override { return llm_health_; }

  // `health` belongs to a part or the connection of this stage (ConnectLlm sets it).
  void SetLlmHealth(const DependencyHealth* health) { llm_health_ = health; }
  void SetHandler(std::unique_ptr<Handler> handler) { handler_ = std::move(handler); }
  // Keeps `part` as long as the stage; returns it for wiring.
  template <class T>
  T* Own(std::unique_ptr<T> part) {
    T* raw = part.get();
    parts_.emplace_back(std::move(part));
    return raw;
  }
  // The one part torn down before the handler (at most one per stage).
  template <class T>
  T* OwnConnection(std::unique_ptr<T> connection) {
    T* raw = connection.get();
    connection_ = std::move(connection);
    return raw;
  }

 protected:
  std::unique_ptr<Handler> handler_;

 private:
  PipelineStage id_;
  std::vector<std::string> inputs_;
  std::size_t max_in_flight_;
  const DependencyHealth* llm_health_ = nullptr;
  std::shared_ptr<void> connection_;
  std::vector<std::shared_ptr<void>> parts_;
};

}  // namespace longforge::kafka
