#include "workers/filter/closed_book.h"

#include "longforge/common/strings.h"
#include "longforge/llm/usage.h"

namespace longforge::workers {
namespace {

constexpr const char* kSystem =
    "Answer the question from what you already know. You are not shown any document or "
    "book, and you cannot look anything up. Give the answer itself in one or two short "
    "sentences. If you do not know the answer, or the question depends on a text you "
    "have not read, reply exactly: I don't know.";

}  // namespace

Result<std::unique_ptr<LlmClosedBook>> LlmClosedBook::Create(llm::ChatClient& client,
                                                             LlmClosedBookOptions options) {
  if (auto ok = InvalidOptions("closed-book options", options.Validate()); !ok) return ok.error();
  return std::unique_ptr<LlmClosedBook>(new LlmClosedBook(client, std::move(options)));
}

std::vector<llm::ChatMessage> LlmClosedBook::Prompt(const std::string& question,
                                                    const std::string& language) {
  std::string user = "Question:\n" + question;
  if (!language.empty()) user += "\n\nAnswer in the language of the question (" + language + ").";
  return {{"system", kSystem}, {"user", std::move(user)}};
}

void LlmClosedBook::Ask(std::string question, std::string language, Callback done) {
  llm::ChatRequest request;
  request.kind = llm::CallKind::kClosedBook;
  request.model = options_.model;
  request.max_tokens = options_.max_tokens;
  request.messages = Prompt(question, language);
  client_.Submit(std::move(request), [done = std::move(done)](Result<llm::ChatResponse> r) {
    if (!r.ok()) return done(std::nullopt, envelope::LlmUsage{});
    // A reply cut at max_tokens is still an answer to compare: a long one rarely agrees.
    done(std::string(TrimAsciiSpace(r->content)), llm::UsageOf(*r));
  });
}

}  // namespace longforge::workers
