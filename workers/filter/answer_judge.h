#pragma once
// The filter's LLM judge: does a candidate answer mean the same as the reference
// answer, for this question? Used beside the rule check (exact match, token F1); the
// filter keeps the more lenient of the two and sends disagreements to review.

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

class AnswerJudge {
 public:
  virtual ~AnswerJudge() = default;
  // true: equivalent; false: not; nullopt: no verdict (the call failed or the reply
  // could not be read). `usage`: what the judgement cost (zero when no call returned),
  // added to the sample's totals.
  using Callback = std::function<void(std::optional<bool> equivalent, envelope::LlmUsage usage)>;
  // Thread-safe; never blocks; `done` runs exactly once, possibly on another thread.
  virtual void Judge(std::string question, std::string reference, std::string answer,
                     Callback done) = 0;
};

struct LlmAnswerJudgeOptions {
  // Model sent with every request; empty: the client's default model. Default empty.
  std::string model;
  // Reply budget, tokens; 0 lets the server decide. Default 256 (a short reason and
  // the verdict).
  int max_tokens = 256;

  // Every problem at once, as one kStop error listing them; Ok when usable.
  std::vector<std::string> Validate() const;
};

// One chat call per judgement (stage kJudge, temperature 0): a fixed system message,
// then the question, the reference and the candidate answer; the reply ends with
// [[YES]] or [[NO]] (ParseJudgeReply). `client` must outlive every outstanding call.
class LlmAnswerJudge final : public AnswerJudge {
 public:
  // Fails with kStop if the options do not validate.
  static Result<std::unique_ptr<LlmAnswerJudge>> Create(llm::ChatClient& client,
                                                        LlmAnswerJudgeOptions options = {});

  void Judge(std::string question, std::string reference, std::string answer,
             Callback done) override;

  // The chat messages Judge sends (exposed for tests and prompt reviews).
  static std::vector<llm::ChatMessage> Prompt(const std::string& question,
                                              const std::string& reference,
                                              const std::string& answer);

 private:
  LlmAnswerJudge(llm::ChatClient& client, LlmAnswerJudgeOptions options)
      : client_(client), options_(std::move(options)) {}

  llm::ChatClient& client_;
  const LlmAnswerJudgeOptions options_;
};

// The verdict at the end of a reply: the last "[[YES]]" or "[[NO]]" (case and inner
// spaces ignored, e.g. "[[ yes ]]"); nullopt when there is none.
std::optional<bool> ParseJudgeReply(std::string_view reply);

}  // namespace longforge::workers
