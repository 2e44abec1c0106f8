#include "workers/filter/answer_judge.h"

#include <cctype>

#include "longforge/common/strings.h"
#include "longforge/llm/usage.h"

namespace longforge::workers {
namespace {

constexpr const char* kSystem =
    "You check answers for a question-answering dataset. You are given a question, a "
    "reference answer that is known to be correct, and a candidate answer. Decide whether "
    "the candidate gives the same answer to the question as the reference. Wording, "
    "language, length, extra explanation and formatting do not matter; names, numbers, "
    "dates, quantities and the facts that answer the question must agree. A candidate that "
    "hedges between several answers, answers a different question or leaves out the part "
    "the question asks about is not equivalent. Explain your reasoning in one or two "
    "sentences, then end your reply with [[YES]] if the answers are equivalent or [[NO]] "
    "if they are not.";

std::string Upper(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t')
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::vector<std::string> LlmAnswerJudgeOptions::Validate() const {
  std::vector<std::string> problems;
  if (model != TrimAsciiSpace(model))
    problems.emplace_back("model has leading or trailing whitespace");
  if (max_tokens < 0)
    problems.push_back("max_tokens must be >= 0 (got " + std::to_string(max_tokens) + ")");
  return problems;
}

Result<std::unique_ptr<LlmAnswerJudge>> LlmAnswerJudge::Create(llm::ChatClient& client,
                                                               LlmAnswerJudgeOptions options) {
  if (auto ok = InvalidOptions("answer judge options", options.Validate()); !ok) return ok.error();
  return std::unique_ptr<LlmAnswerJudge>(new LlmAnswerJudge(client, std::move(options)));
}

std::vector<llm::ChatMessage> LlmAnswerJudge::Prompt(const std::string& question,
                                                     const std::string& reference,
                                                     const std::string& answer) {
  std::string user = "Question:\n" + question + "\n\nReference answer:\n" + reference +
                     "\n\nCandidate answer:\n" + answer +
                     "\n\nIs the candidate answer equivalent to the reference answer for this "
                     "question? End with [[YES]] or [[NO]].";
  return {{"system", kSystem}, {"user", std::move(user)}};
}

void LlmAnswerJudge::Judge(std::string question, std::string reference, std::string answer,
                           Callback done) {
  llm::ChatRequest request;
  request.kind = llm::CallKind::kJudge;
  request.model = options_.model;
  request.max_tokens = options_.max_tokens;
  request.messages = Prompt(question, reference, answer);
  client_.Submit(std::move(request), [done = std::move(done)](Result<llm::ChatResponse> r) {
    if (!r.ok()) return done(std::nullopt, envelope::LlmUsage{});
    done(ParseJudgeReply(r->content), llm::UsageOf(*r));
  });
}

std::optional<bool> ParseJudgeReply(std::string_view reply) {
  std::optional<bool> verdict;
  std::size_t from = 0;
  while (true) {
    const auto open = reply.find("[[", from);
    if (open == std::string_view::npos) break;
    const auto close = reply.find("]]", open + 2);
    if (close == std::string_view::npos) break;
    const std::string word = Upper(reply.substr(open + 2, close - open - 2));
    if (word == "YES") verdict = true;
    if (word == "NO") verdict = false;
    from = open + 2;
  }
  return verdict;
}

}  // namespace longforge::workers
