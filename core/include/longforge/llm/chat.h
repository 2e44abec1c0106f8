#pragma once
// The LLM edge of longforge: an OpenAI-style chat request, its response, and the
// asynchronous client interface every worker talks to. Implementations: HttpChatClient
// (a real server), CachingChatClient (a decorator), and fakes in tests.

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/common/dependency_health.h"
#include "longforge/common/error.h"
#include "longforge/common/stage.h"

namespace longforge::llm {

// What a call is for. Several kinds come from one pipeline stage (the answer stage
// extracts keywords, plans and answers), so this is not a PipelineStage. Its name is
// sent as the X-Longforge-Stage header (fake and simulated servers route on it) and is
// the `stage` label of the LLM metrics (a small fixed set, so the label stays cheap);
// both keep their historical name.
enum class CallKind {
  kKeywords,
  kRelevance,
  kAnswer,
  kPlan,
  kQuestion,
  kJudge,
  kRoute,
  kReduce,
  kMap,
  kClosedBook
};

inline constexpr std::array<CallKind, 10> kCallKinds = {
    CallKind::kKeywords, CallKind::kRelevance, CallKind::kAnswer, CallKind::kPlan,
    CallKind::kQuestion, CallKind::kJudge,     CallKind::kRoute,  CallKind::kReduce,
    CallKind::kMap,      CallKind::kClosedBook};

// "keywords", "relevance", "answer", "plan", "question", "judge", "route", "reduce", "map",
// "closedbook".
const char* CallKindName(CallKind kind);
// Inverse of CallKindName; nullopt for an unknown name.
std::optional<CallKind> ParseCallKind(std::string_view name);
// The pipeline stage that makes calls of this kind.
PipelineStage CallingStage(CallKind kind);

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;

  bool operator==(const ChatMessage&) const = default;
};

struct ChatRequest {
  CallKind kind = CallKind::kAnswer;
  std::string model;  // empty: the client's default model
  std::vector<ChatMessage> messages;
  double temperature = 0.0;
  int max_tokens = 0;             // 0: let the server decide
  std::vector<std::string> stop;  // empty: no stop sequences
};

struct ChatResponse {
  std::string content;  // choices[0].message.content
  std::string model;    // the model that answered, as reported by the server
  int prompt_tokens = 0;
  int completion_tokens = 0;
  // choices[0].finish_reason; "length" means the server cut the reply at max_tokens.
  // Empty when the server did not say (and for cache hits: cut replies are not cached).
  std::string finish_reason;
  bool from_cache = false;  // replayed from the response cache, no server call made
  int attempts = 0;         // HTTP attempts made for this response (0 for a cache hit)

  bool Truncated() const { return finish_reason == "length"; }
};

class ChatClient {
 public:
  virtual ~ChatClient();
  using Callback = std::function<void(Result<ChatResponse>)>;

  // Thread-safe. Never blocks for the request itself; `cb` runs exactly once, on the
  // client's own thread (so it must be quick and must not throw; it may call Submit
  // again). Failures arrive as an Error whose disposition says what to do with the
  // unit of work. Destroying the client fails outstanding requests with a kRetry
  // error; Submit must not race with the destructor.
  virtual void Submit(ChatRequest request, Callback cb) = 0;
  // Whether the server behind this client answers, from every attempt it made; null
  // when there is no server (fakes). Lives as long as the client; thread-safe.
  virtual const DependencyHealth* health() const { return nullptr; }
};

}  // namespace longforge::llm
