#pragma once
// The model-backed relevance judge (DESIGN §1, Lv2 "read every chunk"): one chat call
// per chunk asks whether the chunk helps answer each question, and the reply is NONE
// or sentences quoted from the chunk. Quotes that do not occur in the chunk are dropped
// (grounding guard).

#include <memory>
#include <string>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/llm/chat.h"
#include "workers/relevance/relevance_judge.h"
#include "workers/relevance/relevance_probe.h"

namespace longforge::workers {

struct LlmJudgeOptions {
  // Model sent with every request; empty: the client's default model. Default empty.
  std::string model;
  // Label written into every record (Name()); empty: "llm:<model>", or "llm" when the
  // model is empty too. Default empty.
  std::string display_name;
  // Reply budget, tokens; 0 lets the server decide. Default 512 (a block of quotes per
  // question; raise it when many questions share a call).
  int max_tokens = 512;

  // Every problem at once, as one kStop error listing them; Ok when usable.
  std::vector<std::string> Validate() const;
};

// Judge() sends one request (stage kRelevance, temperature 0) holding every question:
// a fixed system message, then a user message with the chunk first, so a server's
// prefix cache serves every call over the same chunk, then the question(s) and the
// reply format. Each question's part of the reply is parsed leniently
// (ParseRelevanceReply) and its quotes grounded (GroundQuotes): relevant when a quote
// survives, none otherwise. A reply that cannot be read counts as none (outcome
// malformed). A call that fails after the client's retries makes every question failed
// with the error. Usage: one call with the server's token counts, a cache hit when
// replayed. No call is made for an empty question list or a blank chunk (all none).
// Thread-safe; never blocks; `done` runs on the client's thread. `client` and `probe`
// (optional) must outlive every outstanding call.
class LlmRelevanceJudge final : public RelevanceJudge {
 public:
  // Fails with kStop if the options do not validate.
  static Result<std::unique_ptr<LlmRelevanceJudge>> Create(llm::ChatClient& client,
                                                           LlmJudgeOptions options = {},
                                                           RelevanceProbe* probe = nullptr);

  std::string Name() const override { return name_; }
  void Judge(std::string chunk, std::vector<std::string> questions, Callback done) override;

  // The chat messages Judge sends (exposed for tests and prompt reviews).
  static std::vector<llm::ChatMessage> Prompt(const std::string& chunk,
                                              const std::vector<std::string>& questions);

 private:
  LlmRelevanceJudge(llm::ChatClient& client, LlmJudgeOptions options, RelevanceProbe* probe);

  llm::ChatClient& client_;
  const LlmJudgeOptions options_;
  const std::string name_;
  RelevanceProbe* const probe_;
};

// Turns a parsed reply into judgements: grounds every question's quotes in `chunk` and
// counts each outcome and dropped quote on `probe` (may be null). Exposed for tests.
std::vector<Judgement> JudgeReply(std::string_view chunk, std::string_view reply,
                                  std::size_t questions, RelevanceProbe* probe);

}  // namespace longforge::workers
