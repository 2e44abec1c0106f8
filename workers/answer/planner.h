#pragma once
// Lv3, multi-hop: given the evidence for a question and what earlier sub-questions
// found, the model either answers or names the one sub-question to look up next.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/envelope/messages.h"
#include "longforge/llm/chat.h"

namespace longforge::workers {

struct PlanStep {
  bool answer = false;  // true: `text` is the final answer; false: the next sub-question
  std::string text;
  envelope::LlmUsage usage;
};

class Planner {
 public:
  using Callback = std::function<void(Result<PlanStep> step)>;
  virtual ~Planner() = default;
  // Thread-safe; `done` runs exactly once, possibly on another thread.
  virtual void Plan(const std::string& question, const std::vector<envelope::MemoryItem>& memory,
                    const std::vector<std::string>& evidence, Callback done) = 0;
};

// Asks the model (stage "plan") to reply `ANSWER: …` or `ASK: …`. A reply in neither
// shape is taken as the answer (the model did not ask for anything).
std::unique_ptr<Planner> MakeLlmPlanner(llm::ChatClient& client, std::string model);

// The last `ANSWER:` or `ASK:` line of a reply (case, markdown emphasis and full-width
// colons tolerated); nullopt when there is none.
std::optional<PlanStep> ParsePlanReply(std::string_view reply);

}  // namespace longforge::workers
