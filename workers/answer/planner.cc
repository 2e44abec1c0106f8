#include "workers/answer/planner.h"

#include <cctype>

#include "longforge/common/strings.h"
#include "longforge/llm/usage.h"

namespace longforge::workers {
namespace {

constexpr const char* kSystem =
    "You work out the answer to a question about a long document one step at a time. You "
    "see passages retrieved from the document and the facts found so far by earlier "
    "look-ups. Decide whether they are enough.\n"
    "- If they are, reply with one line: ANSWER: followed by a short answer in the "
    "question's language.\n"
    "- If not, reply with one line: ASK: followed by the single most useful question to "
    "look up next in the document. Ask something the passages could state directly, and "
    "do not repeat a question already looked up.";

std::string UserMessage(const std::string& question,
                        const std::vector<envelope::MemoryItem>& memory,
                        const std::vector<std::string>& evidence) {
  std::string m;
  for (std::size_t i = 0; i < evidence.size(); ++i) {
    m += "[Passage " + std::to_string(i + 1) + "]\n" + evidence[i] + "\n\n";
  }
  if (evidence.empty()) m += "(no passages were found)\n\n";
  m += "Facts found so far:\n";
  if (memory.empty()) m += "(none yet)\n";
  for (const auto& f : memory) m += "- " + f.question + " → " + f.answer + "\n";
  m += "\nQuestion: " + question + "\n\nReply with ANSWER: … or ASK: … on one line.";
  return m;
}

// Strips markdown emphasis and leading list marks from a line.
std::string_view Clean(std::string_view line) {
  line = TrimAsciiSpace(line);
  while (!line.empty() && (line.front() == '*' || line.front() == '_' || line.front() == '-' ||
                           line.front() == '#' || line.front() == '>')) {
    line.remove_prefix(1);
    line = TrimAsciiSpace(line);
  }
  return line;
}

// The text after `tag` when `line` starts with it (any case), with ':' or '：'.
std::optional<std::string> After(std::string_view line, std::string_view tag) {
  if (line.size() <= tag.size()) return std::nullopt;
  for (std::size_t i = 0; i < tag.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(line[i])) != tag[i]) return std::nullopt;
  }
  std::string_view rest = line.substr(tag.size());
  while (!rest.empty() && (rest.front() == '*' || rest.front() == ' ')) rest.remove_prefix(1);
  if (rest.starts_with(":")) {
    rest.remove_prefix(1);
  } else if (rest.starts_with("\xEF\xBC\x9A")) {  // full-width colon
    rest.remove_prefix(3);
  } else {
    return std::nullopt;
  }
  rest = Clean(rest);
  while (!rest.empty() && (rest.back() == '*' || rest.back() == '_')) rest.remove_suffix(1);
  rest = TrimAsciiSpace(rest);
  if (rest.empty()) return std::nullopt;
  return std::string(rest);
}

class LlmPlanner final : public Planner {
 public:
  LlmPlanner(llm::ChatClient& client, std::string model)
      : client_(client), model_(std::move(model)) {}

  void Plan(const std::string& question, const std::vector<envelope::MemoryItem>& memory,
            const std::vector<std::string>& evidence, Callback done) override {
    llm::ChatRequest request;
    request.kind = llm::CallKind::kPlan;
    request.model = model_;
    request.max_tokens = 256;
    request.messages = {{"system", kSystem}, {"user", UserMessage(question, memory, evidence)}};
    client_.Submit(std::move(request), [done = std::move(done)](Result<llm::ChatResponse> r) {
      if (!r) return done(r.error());
      PlanStep step;
      if (auto parsed = ParsePlanReply(r->content)) {
        step = std::move(*parsed);
      } else {
        step.answer = true;
        step.text = std::string(TrimAsciiSpace(r->content));
      }
      step.usage = llm::UsageOf(r.value());
      done(std::move(step));
    });
  }

 private:
  llm::ChatClient& client_;
  const std::string model_;
};

}  // namespace

std::optional<PlanStep> ParsePlanReply(std::string_view reply) {
  std::optional<PlanStep> last;
  std::size_t start = 0;
  while (start <= reply.size()) {
    std::size_t end = reply.find('\n', start);
    if (end == std::string_view::npos) end = reply.size();
    const std::string_view line = Clean(reply.substr(start, end - start));
    if (auto a = After(line, "ANSWER")) {
      last = PlanStep{true, std::move(*a), {}};
    } else if (auto q = After(line, "ASK")) {
      last = PlanStep{false, std::move(*q), {}};
    }
    start = end + 1;
  }
  return last;
}

std::unique_ptr<Planner> MakeLlmPlanner(llm::ChatClient& client, std::string model) {
  return std::make_unique<LlmPlanner>(client, std::move(model));
}

}  // namespace longforge::workers
