#include "workers/questioner/scope_router.h"

#include <array>
#include <cctype>
#include <utility>

#include "longforge/common/strings.h"
#include "longforge/llm/prompt_data.h"
#include "longforge/llm/usage.h"
#include "longforge/text/normalize.h"
#include "longforge/text/pattern.h"

namespace longforge::workers {
namespace {

// English cues, one regular expression over the folded question (lower case, single
// spaces). Each names something only the whole document can tell.
const text::Pattern& EnglishCues() {
  static const text::Pattern cues(
      // a change or a development over time
      "\\bhow (do|does|did)\\b.*\\b(change|changes|develop|develops|evolve|evolves|grow|grows)\\b"
      "|\\b(change|changes|changed|develop|develops|developed|evolve|evolves|evolved)\\b.*\\b("
      "over|across|throughout|from)\\b"
      "|\\bover the course of\\b|\\bthroughout\\b|\\bfrom (the )?beginning to (the )?end\\b"
      "|\\bfrom start to finish\\b"
      // order
      "|\\bin (what|which) order\\b|\\bchronolog|\\btimeline\\b|\\bsequence of events\\b"
      "|\\border (of|in which)\\b"
      // counts over the document
      "|\\bhow many (times|chapters|sections|books|parts|occasions)\\b|\\bhow often\\b"
      "|\\bnumber of (times|chapters)\\b"
      // first and last appearances
      "|\\b(first|last) (appear|appears|appearance|mentioned|mention|time)\\b"
      "|\\b(first|last) and (first|last)\\b"
      // the whole work
      "|\\b(whole|entire|full) (book|novel|story|text|document|report|law|work|narrative)\\b"
      "|\\ball (the )?(chapters|books|parts|sections)\\b"
      "|\\bsummari[sz]e\\b|\\bsummary of\\b|\\boverall\\b|\\barc\\b");
  return cues;
}

// Chinese cues, as substrings (the folded question keeps CJK as it is).
constexpr std::array<std::string_view, 24> kChineseCues = {
    "变化",   "演变", "转变", "发展",   "成长",     "全书", "整本", "全文",
    "通篇",   "贯穿", "始终", "先后",   "顺序",     "次序", "几次", "多少次",
    "多少回", "几回", "首次", "第一次", "最后一次", "总结", "概括", "从头到尾"};

std::string RouteSystemPrompt() {
  return "You sort questions about a long document (a book, a law, a report) by how much of "
         "the document is needed to answer them.\n"
         "LOCAL: one or a few passages answer it (a fact, a name, a number, what someone said "
         "or did at one point).\n"
         "GLOBAL: it needs the whole document read: how a person or a situation changes over "
         "the work, what happens in what order, how many times something happens or in how "
         "many chapters something appears, where something first or last appears, a summary "
         "or comparison across the whole work.\n"
         "Reply with exactly one word: LOCAL or GLOBAL.";
}

class RuleScopeRouter final : public ScopeRouter {
 public:
  std::string Name() const override { return "rule (no LLM)"; }
  void Route(const std::string& question, Callback done) override {
    done(RouteOutcome{ScopeByRule(question), {}, {}});
  }
};

class LlmScopeRouter final : public ScopeRouter {
 public:
  LlmScopeRouter(llm::ChatClient& client, std::string model)
      : client_(client), model_(std::move(model)) {}
  std::string Name() const override { return model_.empty() ? "llm" : "llm " + model_; }

  void Route(const std::string& question, Callback done) override {
    llm::ChatRequest request;
    request.kind = llm::CallKind::kRoute;
    request.model = model_;
    request.max_tokens = 8;
    request.messages = {
        {"system", RouteSystemPrompt()},
        {"user", "Question:\n" + llm::DataBlock("question", question) + "\n\nLOCAL or GLOBAL?"}};
    client_.Submit(std::move(request),
                   [question, done = std::move(done)](Result<llm::ChatResponse> r) {
                     RouteOutcome out;
                     out.scope = ScopeByRule(question);
                     if (!r) {
                       out.fallback = "the route call failed (" + r.error().message + ")";
                       return done(std::move(out));
                     }
                     out.usage = llm::UsageOf(r.value());
                     if (auto scope = ParseRouteReply(r->content)) {
                       out.scope = *scope;
                     } else {
                       out.fallback = "the route reply named no scope";
                     }
                     done(std::move(out));
                   });
  }

 private:
  llm::ChatClient& client_;
  const std::string model_;
};

}  // namespace

envelope::Scope ScopeByRule(std::string_view question) {
  const std::string folded = text::FoldForMatching(question);
  for (const auto& cue : kChineseCues) {
    if (folded.find(cue) != std::string::npos) return envelope::Scope::kGlobal;
  }
  return EnglishCues().Matches(folded) ? envelope::Scope::kGlobal : envelope::Scope::kLocal;
}

std::optional<envelope::Scope> ParseRouteReply(std::string_view reply) {
  std::string word;
  for (const char c : TrimAsciiSpace(reply)) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      break;
    }
  }
  if (word == "LOCAL") return envelope::Scope::kLocal;
  if (word == "GLOBAL") return envelope::Scope::kGlobal;
  return std::nullopt;
}

std::unique_ptr<ScopeRouter> MakeRuleScopeRouter() { return std::make_unique<RuleScopeRouter>(); }

std::unique_ptr<ScopeRouter> MakeLlmScopeRouter(llm::ChatClient& client, std::string model) {
  return std::make_unique<LlmScopeRouter>(client, std::move(model));
}

}  // namespace longforge::workers
