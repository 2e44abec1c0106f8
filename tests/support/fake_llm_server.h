#pragma once
// An in-process OpenAI-compatible chat-completions server for tests: loopback only,
// ephemeral port, replies scripted by the test, every request recorded.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "longforge/llm/chat.h"

namespace httplib {
class Server;
}

namespace longforge::testing {

struct FakeRequest {
  std::string stage;          // X-Longforge-Stage header ("" if absent)
  std::string authorization;  // Authorization header ("" if absent)
  std::string model;
  std::vector<llm::ChatMessage> messages;
  std::string body;  // raw request body
};

struct FakeReply {
  enum class Mode {
    kNormal,     // send status + body
    kMalformed,  // a 200 whose body is not a chat completion
    kDrop,       // send headers, then close the connection without the body
  };
  Mode mode = Mode::kNormal;
  int status = 200;
  // The body to send; when empty and status is 200, a chat completion carrying
  // `content` with usage filled in from the request and content sizes.
  std::string body;
  std::string content = "ok";
  std::string finish_reason = "stop";      // choices[0].finish_reason of that completion
  std::optional<int> retry_after_seconds;  // sent as Retry-After
  std::chrono::milliseconds delay{0};      // wait before replying (cut short by Stop)

  static FakeReply Content(std::string text);
  static FakeReply Status(int status, std::string body = "");
  // Faults a server shows, for tests of what the pipeline makes of them:
  // 429 Too Many Requests with Retry-After: `seconds`.
  static FakeReply RateLimited(int seconds);
  // A 200 whose body is not JSON.
  static FakeReply NotJson();
  // A 200 chat completion with "choices": [].
  static FakeReply EmptyChoices();
  // A completion the server cut at max_tokens: `text` with finish_reason "length".
  static FakeReply Truncated(std::string text);
  // Headers, then the connection closes before the body.
  static FakeReply DropMidBody();
  // No reply for `delay` (longer than the client's timeout), then `text`.
  static FakeReply Hang(std::chrono::milliseconds delay, std::string text = "ok");
};

class FakeLlmServer {
 public:
  using Handler = std::function<FakeReply(const FakeRequest&)>;

  // Starts listening on 127.0.0.1:<ephemeral> with >= 64 handler threads; the default
  // handler answers every request with FakeReply::Content("ok"). Throws on failure to
  // bind (a test set-up problem, not an expected failure).
  explicit FakeLlmServer(Handler handler = nullptr);
  ~FakeLlmServer();  // stops the server, cutting pending delays short
  FakeLlmServer(const FakeLlmServer&) = delete;
  FakeLlmServer& operator=(const FakeLlmServer&) = delete;

  // Replaces the handler; thread-safe.
  void SetHandler(Handler handler);
  // The status GET /v1/models answers with (200, listing "fake-model", by default);
  // thread-safe. Model listings are not recorded as requests.
  void SetModelsStatus(int status) { models_status_ = status; }

  int port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:<port>/v1"

  // Thread-safe observations.
  int request_count() const;
  int request_count(const std::string& stage) const;
  int max_concurrent() const { return max_concurrent_.load(); }
  std::vector<FakeRequest> requests() const;

 private:
  std::string Handle(const std::string& body, const std::string& stage,
                     const std::string& authorization, FakeReply* reply);
  void SleepUnlessStopped(std::chrono::milliseconds delay);

  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};

  mutable std::mutex mu_;
  std::condition_variable stopped_cv_;
  bool stopped_ = false;                  // guarded by mu_
  Handler handler_;                       // guarded by mu_
  std::vector<FakeRequest> requests_;     // guarded by mu_
  std::map<std::string, int> per_stage_;  // guarded by mu_
  std::atomic<int> models_status_{200};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_concurrent_{0};
};

}  // namespace longforge::testing
