#pragma once
// The closed-book check: the model answers a sample's question with no document at all.
// When that answer agrees with the reference (the filter's verifier, rules and judge),
// the sample teaches nothing about reading — the model knew it already — and the filter
// rejects it as answerable_without_document.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/envelope/messages.h"
#include "longforge/llm/chat.h"
#include "workers/filter/answer_judge.h"

namespace longforge::workers {

class ClosedBook {
 public:
  virtual ~ClosedBook() = default;
  // `answer`: what the model says without the document; nullopt when the call failed.
  // `usage`: what the call cost (zero when none returned), added to the sample's totals.
  using Callback = std::function<void(std::optional<std::string> answer, envelope::LlmUsage usage)>;
  // Thread-safe; never blocks; `done` runs exactly once, possibly on another thread.
  virtual void Ask(std::string question, std::string language, Callback done) = 0;
};

// The same two settings as the judge's: model and reply budget (default 256 tokens).
using LlmClosedBookOptions = LlmAnswerJudgeOptions;

// One chat call per question (kind kClosedBook, stage label "closedbook", temperature
// 0): a fixed system message asking for an answer from the model's own knowledge, and
// to say it does not know rather than guess; then the question. `client` must outlive
// every outstanding call.
class LlmClosedBook final : public ClosedBook {
 public:
  // Fails with kStop if the options do not validate.
  static Result<std::unique_ptr<LlmClosedBook>> Create(llm::ChatClient& client,
                                                       LlmClosedBookOptions options = {});

  void Ask(std::string question, std::string language, Callback done) override;

  // The chat messages Ask sends (exposed for tests and prompt reviews).
  static std::vector<llm::ChatMessage> Prompt(const std::string& question,
                                              const std::string& language);

 private:
  LlmClosedBook(llm::ChatClient& client, LlmClosedBookOptions options)
      : client_(client), options_(std::move(options)) {}

  llm::ChatClient& client_;
  const LlmClosedBookOptions options_;
};

}  // namespace longforge::workers
