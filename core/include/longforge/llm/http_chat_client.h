#pragma once
// ChatClient over an OpenAI-compatible HTTP server (vLLM, SGLang, llama.cpp, TGI,
// Ollama, hosted APIs). One background thread drives libcurl's multi interface, so
// hundreds of requests can be in flight for the cost of one thread: throughput is
// bounded by the server's capacity, not by the client (DESIGN §5).

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "longforge/common/error.h"
#include "longforge/llm/chat.h"
#include "longforge/llm/llm_probe.h"

namespace longforge::llm {

struct HttpChatClientOptions {
  // Server root ending in "/v1", e.g. "http://127.0.0.1:8000/v1"; requests go to
  // {base_url}/chat/completions. Required.
  std::string base_url;
  // Model used when a request leaves ChatRequest::model empty. Required.
  std::string model;
  // Sent as "Authorization: Bearer <key>" when non-empty; never logged. Default: none.
  std::string api_key;
  // Requests on the wire at once, at most; the rest wait in the client. Default 64.
  int concurrency = 64;
  // Lower the limit on overload (429, 503, timeouts) and raise it back while latency
  // stays flat (AdaptiveLimit), with `concurrency` as the ceiling. false: always
  // `concurrency`. Default true.
  bool adaptive_concurrency = true;
  // TCP (and TLS) connect timeout. Default 10 s.
  std::chrono::milliseconds connect_timeout{10'000};
  // Whole-attempt timeout, connect included. Default 300 s.
  std::chrono::milliseconds request_timeout{300'000};
  // Attempts per request, the first included; 1 disables retries. Default 6.
  int max_attempts = 6;
  // Full-jitter backoff: retry n waits uniform [0, min(backoff_max, backoff_base*2^(n-1))].
  // Defaults 500 ms and 30 s.
  std::chrono::milliseconds backoff_base{500};
  std::chrono::milliseconds backoff_max{30'000};
  // A server's Retry-After is honoured up to this long. Default 120 s.
  std::chrono::milliseconds retry_after_max{120'000};
  // Attempts in a row that fail as an absent or overloaded server fails (connection
  // refused or timed out, 408, 429, 5xx) before health() says the server is down.
  // Default 3.
  int down_after_failures = 3;
  // The pipeline stage this client serves: the `stage` label of longforge_llm_up.
  // Unset: the gauge is not exported. Default unset.
  std::optional<PipelineStage> stage;

  // Every problem at once, as one kStop error listing them; Ok when usable.
  std::vector<std::string> Validate() const;
};

// LONGFORGE_LLM_API_KEY, else OPENAI_API_KEY, else "". The key is a secret: callers
// put it in options and must never log it.
std::string ApiKeyFromEnvironment();

class HttpChatClient final : public ChatClient {
 public:
  // Starts the client thread. `probe` may be null (no metrics); it must outlive the
  // client. Fails with kStop if the options do not validate.
  static Result<std::unique_ptr<HttpChatClient>> Create(HttpChatClientOptions options,
                                                        LlmProbe* probe = nullptr);

  // Stops the thread; requests still queued or in flight get a kRetry error
  // ("client shut down"), so every callback still runs exactly once.
  ~HttpChatClient() override;

  // See ChatClient::Submit. Cost on the calling thread: encoding the JSON body and
  // one mutex push; errors: kRetry (transient failures, still failing after
  // max_attempts), kDeadLetter (4xx, malformed responses), kStop (401/403/404).
  void Submit(ChatRequest request, Callback cb) override;
  // Named "LLM at <base_url>"; updated after every attempt.
  const DependencyHealth* health() const override;

 private:
  class Impl;
  explicit HttpChatClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace longforge::llm
