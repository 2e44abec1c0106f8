#pragma once
// Helpers shared by the LLM client tests: collecting asynchronous results.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "longforge/llm/chat.h"
#include "longforge/llm/http_chat_client.h"
#include "support/fake_llm_server.h"

namespace longforge::llm {

// Gathers callback results; thread-safe.
class Results {
 public:
  ChatClient::Callback Add() {
    return [this](Result<ChatResponse> r) {
      std::lock_guard lock(mu_);
      results_.push_back(std::move(r));
      cv_.notify_all();
    };
  }
  // True when at least `n` results arrived within `timeout`.
  bool WaitFor(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return results_.size() >= n; });
  }
  std::vector<Result<ChatResponse>> Take() {
    std::lock_guard lock(mu_);
    return results_;
  }
  std::size_t size() {
    std::lock_guard lock(mu_);
    return results_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Result<ChatResponse>> results_;
};

// Submits one request and waits for its answer (throws if none comes in 10 s).
inline Result<ChatResponse> SubmitAndWait(ChatClient& client, ChatRequest request) {
  Results results;
  client.Submit(std::move(request), results.Add());
  if (!results.WaitFor(1)) throw std::runtime_error("no callback within the timeout");
  return results.Take().front();
}

inline ChatRequest UserRequest(std::string text, CallKind kind = CallKind::kAnswer) {
  ChatRequest request;
  request.kind = kind;
  request.messages = {{"system", "You are terse."}, {"user", std::move(text)}};
  return request;
}

// Options that keep tests fast: millisecond backoffs, short timeouts.
inline HttpChatClientOptions FastOptions(const testing::FakeLlmServer& server) {
  HttpChatClientOptions options;
  options.base_url = server.base_url();
  options.model = "test-model";
  options.concurrency = 8;
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.request_timeout = std::chrono::milliseconds(2000);
  options.max_attempts = 3;
  options.backoff_base = std::chrono::milliseconds(5);
  options.backoff_max = std::chrono::milliseconds(20);
  options.retry_after_max = std::chrono::milliseconds(2000);
  return options;
}

inline std::unique_ptr<HttpChatClient> MakeClient(const HttpChatClientOptions& options,
                                                  LlmProbe* probe = nullptr) {
  Result<std::unique_ptr<HttpChatClient>> client = HttpChatClient::Create(options, probe);
  if (!client.ok()) throw std::runtime_error(client.error().message);
  return std::move(client).value();
}

}  // namespace longforge::llm
