#pragma once
// Which scope a supplied question has (stage `route`): local (a few passages answer it)
// or global (it needs the whole document read: how something changes over the book,
// what happens in what order, how many times, a summary of the whole). Generated
// questions know their scope; supplied ones are routed unless --scope says.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "longforge/common/error.h"
#include "longforge/envelope/decisions.h"
#include "longforge/envelope/messages.h"
#include "longforge/llm/chat.h"

namespace longforge::workers {

// The rule (the extractive baseline's router, and the fallback when a route call fails):
// global when the question, case- and width-folded, names a change over time, an order,
// a count over the document, a first or last appearance, or the whole work ("how does
// … change", "over the course of", "throughout", "in what order", "how many times",
// "first appear", "the whole novel", "summarize"; 变化, 顺序, 几次, 全书, 首次, 总结 …);
// local otherwise. Which phrases: scope_router.cc.
envelope::Scope ScopeByRule(std::string_view question);

struct RouteOutcome {
  envelope::Scope scope = envelope::Scope::kLocal;
  // Empty when the router decided; else why the rule decided instead (a failed call, a
  // reply that named no scope), for the ledger's notes.
  std::string fallback;
  envelope::LlmUsage usage;
};

class ScopeRouter {
 public:
  using Callback = std::function<void(RouteOutcome)>;
  virtual ~ScopeRouter() = default;
  virtual std::string Name() const = 0;
  // Calls `done` exactly once, maybe from another thread; never fails (a failure falls
  // back to ScopeByRule and says so). Thread-safe.
  virtual void Route(const std::string& question, Callback done) = 0;
};

// ScopeByRule, labelled "rule (no LLM)".
std::unique_ptr<ScopeRouter> MakeRuleScopeRouter();

// One short call (llm::CallKind::kRoute, a few tokens of reply): the question and what
// the two scopes mean; the reply's first word, LOCAL or GLOBAL, decides. `client` must
// outlive the router.
std::unique_ptr<ScopeRouter> MakeLlmScopeRouter(llm::ChatClient& client, std::string model);

// The scope a reply names: its first word, LOCAL or GLOBAL in any case and with
// punctuation around it; nullopt otherwise.
std::optional<envelope::Scope> ParseRouteReply(std::string_view reply);

}  // namespace longforge::workers
