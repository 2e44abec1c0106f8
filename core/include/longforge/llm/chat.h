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

#include "longforge/common/error.h"

namespace longforge::llm {

// The pipeline stage a call belongs to; sent as the X-Longforge-Stage header and used
// as a metrics label (a small fixed set, so the label stays cheap).
enum class Stage { kKeywords, kRelevance, kAnswer, kPlan, kQuestion, kJudge };

inline constexpr std::array<Stage, 6> kAllStages = {Stage::kKeywords, Stage::kRelevance,
                                                    Stage::kAnswer,   Stage::kPlan,
                                                    Stage::kQuestion, Stage::kJudge};

// "keywords", "relevance", "answer", "plan", "question", "judge".
const char* StageName(Stage stage);
// Inverse of StageName; nullopt for an unknown name.
std::optional<Stage> ParseStage(std::string_view name);

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;

  bool operator==(const ChatMessage&) const = default;
};

struct ChatRequest {
  Stage stage = Stage::kAnswer;
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
  bool from_cache = false;  // replayed from the response cache, no server call made
  int attempts = 0;         // HTTP attempts made for this response (0 for a cache hit)
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
};

}  // namespace longforge::llm
