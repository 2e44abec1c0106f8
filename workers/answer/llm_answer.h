#pragma once
// The model-backed answer backend: the evidence passages, then the question, to an
// OpenAI-compatible model (stage kAnswer), answered from the evidence only.

#include <memory>
#include <string>
#include <vector>

#include "longforge/llm/chat.h"
#include "workers/answer/answer_backend.h"

namespace longforge::workers {

struct LlmAnswerOptions {
  std::string model;      // empty: the client's default model; default empty
  int max_tokens = 1024;  // answer budget, tokens; default 1024; 0 lets the server decide
};

// What the model is told to reply, alone, when the evidence does not answer the
// question; the backend turns that reply into an empty answer, which the filter
// rejects (empty_answer) like the extractive backend's "no evidence".
inline constexpr std::string_view kNotInEvidence = "NOT IN EVIDENCE";

// One request per Answer: a system message with the rules (answer only from the
// evidence, concisely, in the question's language, or kNotInEvidence), and a user
// message holding the passages in the order given, each marked "[Passage n]", then the
// question. Temperature 0. Usage: one call with the server's token counts, and a cache
// hit when the response was replayed. Empty evidence gives an empty answer without a
// call. Errors are the client's, after its own retries. Thread-safe (the client is);
// `client` must outlive the backend.
class LlmAnswerBackend final : public AnswerBackend {
 public:
  explicit LlmAnswerBackend(llm::ChatClient& client, LlmAnswerOptions options = {});
  std::string Name() const override;
  void Answer(const envelope::Task& task, std::vector<std::string> evidence,
              Callback done) override;

  // The chat messages Answer sends (exposed for tests and prompt reviews). For a global
  // task the evidence is its notes from the whole document, each starting with its
  // position and chapter, and the answer is asked to cite the chapters it draws on.
  static std::vector<llm::ChatMessage> Prompt(const std::string& question,
                                              const std::vector<std::string>& evidence,
                                              envelope::Scope scope = envelope::Scope::kLocal);

 private:
  llm::ChatClient& client_;
  const LlmAnswerOptions options_;
};

}  // namespace longforge::workers
