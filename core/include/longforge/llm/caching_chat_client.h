#pragma once
// A ChatClient decorator that answers repeated requests from a ResponseCache and
// forwards the rest, storing what comes back.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "longforge/llm/chat.h"
#include "longforge/llm/llm_probe.h"
#include "longforge/llm/response_cache.h"

namespace longforge::llm {

// All SQLite work happens on the decorator's own thread, so Submit never waits for the
// disk and the inner client's thread never does either; responses that arrive together
// are stored in one transaction. Callbacks (hits and forwarded answers alike) run on
// that thread. A broken cache degrades to a pass-through (logged), never fails a request.
class CachingChatClient final : public ChatClient {
 public:
  // `default_model` is the model `inner` uses when a request leaves it empty (it is
  // part of the cache key). `probe` may be null; it must outlive this client. Counts
  // outcome="cache_hit"; the inner client counts everything else.
  CachingChatClient(std::unique_ptr<ChatClient> inner, std::unique_ptr<ResponseCache> cache,
                    std::string default_model, LlmProbe* probe = nullptr);
  // Answers what is queued here, then destroys the inner client (which fails its
  // outstanding requests with kRetry "client shut down"): every callback runs once.
  ~CachingChatClient() override;

  void Submit(ChatRequest request, Callback cb) override;
  // The inner client's: a cache hit proves nothing about the server.
  const DependencyHealth* health() const override { return inner_->health(); }

 private:
  struct Job {
    CallKind kind = CallKind::kAnswer;
    CacheKey key;
    Callback cb;
    std::optional<ChatRequest> request;        // set: look up, forward on a miss
    std::optional<Result<ChatResponse>> done;  // set: the inner client's answer
  };

  void Run();
  void Process(std::vector<Job>& batch, bool stopping);
  void OnInnerDone(CallKind kind, CacheKey key, Callback cb, Result<ChatResponse> result);

  std::unique_ptr<ChatClient> inner_;
  std::unique_ptr<ResponseCache> cache_;
  const std::string default_model_;
  LlmProbe* const probe_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Job> jobs_;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  bool running_ = true;    // guarded by mu_: false once the thread has drained and left
  std::thread thread_;
};

}  // namespace longforge::llm
