#pragma once
// Questions written by an LLM (stage "question"): one chunk, or two far-apart chunks
// for a multi-hop question, go out with a requested question type; the reply is
//   QUESTION: …
//   ANSWER: …        (a short reference answer)
//   QUOTE: …         (verbatim support; one per passage for multi-hop)
// A reply in another shape, quoting text absent from the chunks (whitespace folded),
// or pointing at "the passage" is asked again once, saying what was wrong; a second
// bad reply is skipped as "broken reply" — never a half record.
// A sample of a global type (arc, compare, causal) sends its brief of the map's cards
// instead of passages; the reply is QUESTION and ANSWER (a reference of two to four
// sentences, from the cards only), no QUOTE, and the question is global.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/llm/chat.h"
#include "workers/questioner/question_generator.h"

namespace longforge::workers {

struct LlmGeneratorOptions {
  std::string model;         // model name sent; empty: the client's default
  std::string display_name;  // Name(): recorded in ledger notes; default "llm:<model>"
  std::string language;      // write questions in this language; empty: the document's
  int max_tokens = 400;      // completion bound per call; default 400
  double temperature = 0.0;  // default 0 (replayable from the response cache)

  std::vector<std::string> Validate() const;
};

class LlmQuestionGenerator final : public QuestionGenerator {
 public:
  // `client` must outlive the generator and every callback it has pending.
  LlmQuestionGenerator(llm::ChatClient& client, LlmGeneratorOptions options);

  std::string Name() const override;
  bool WritesFromMaps() const override { return true; }
  // Asynchronous; `cb` runs on the client's thread. LLM failures (kRetry, kStop, or
  // kDeadLetter for a request the server refuses) come back as the Error.
  void Generate(QuestionSample sample, Callback cb) override;

  // Public for tests.
  llm::ChatRequest BuildRequest(const QuestionSample& sample) const;
  llm::ChatRequest BuildMapRequest(const QuestionSample& sample) const;
  // The question in `reply`, or the reason the reply is broken.
  static Result<GeneratedQuestion> ParseReply(std::string_view reply, const QuestionSample& sample);

 private:
  // A question call with these messages and the options' model, temperature and bound.
  llm::ChatRequest Request(std::string system, std::string user) const;
  void Attempt(QuestionSample sample, llm::ChatRequest request, int attempt, Callback cb);

  llm::ChatClient& client_;
  LlmGeneratorOptions options_;
};

}  // namespace longforge::workers
