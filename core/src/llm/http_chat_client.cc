#include "longforge/llm/http_chat_client.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "longforge/common/handles.h"
#include "longforge/llm/adaptive_limit.h"
#include "longforge/llm/openai_protocol.h"
#include "longforge/llm/retry_policy.h"

namespace longforge::llm {
namespace {

using Clock = std::chrono::steady_clock;

// A response larger than this is not a chat completion; stop reading instead of
// letting a broken server fill memory.
constexpr std::size_t kMaxResponseBytes = 64u << 20;
// Upper bound on one curl_multi_poll wait, so a missed wakeup costs at most this.
constexpr int kMaxPollMs = 1000;

// One logical request, alive from Submit to its callback, across attempts.
struct Transfer {
  CallKind kind = CallKind::kAnswer;
  std::string model;  // effective model, reported if the server omits it
  std::string body;   // request JSON, encoded once on the submitting thread
  ChatClient::Callback cb;
  int attempts = 0;
  bool malformed_seen = false;
  Clock::time_point first_start;
  // Per attempt:
  Clock::time_point attempt_start;
  CurlEasy easy;
  std::string response;
  std::optional<std::chrono::seconds> retry_after;
  std::array<char, CURL_ERROR_SIZE> error{};
};
using TransferPtr = std::unique_ptr<Transfer>;

Error ShutDownError() { return Error::Retry("LLM client shut down before the request finished"); }

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->response.size() + n > kMaxResponseBytes) return 0;  // aborts: CURLE_WRITE_ERROR
  t->response.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  const std::string_view line(data, n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() &&
      std::equal(kName.begin(), kName.end(), line.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    t->retry_after = ParseRetryAfter(line.substr(kName.size()));
  }
  return n;
}

std::string CurlReason(const Transfer& t, CURLcode code) {
  const std::string detail = t.error[0] != '\0' ? t.error.data() : curl_easy_strerror(code);
  return "connection error (curl " + std::to_string(static_cast<int>(code)) + "): " + detail;
}

}  // namespace

class HttpChatClient::Impl {
 public:
  Impl(HttpChatClientOptions options, LlmProbe* probe)
      : options_(std::move(options)),
        probe_(probe),
        url_(WithoutTrailingSlash(options_.base_url) + "/chat/completions"),
        health_("LLM at " + options_.base_url, options_.down_after_failures),
        limit_(AdaptiveLimitOptions{options_.concurrency, 1, 0.5, 1.5, options_.retry_after_max}),
        rng_(std::random_device{}()) {
    if (probe_ != nullptr && options_.stage) {
      probe_->Up(*options_.stage, true);
      probe_->ConcurrencyLimit(*options_.stage, options_.concurrency);
    }
  }

  const DependencyHealth& health() const { return health_; }

  ~Impl() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    if (multi_) curl_multi_wakeup(multi_.get());
    if (thread_.joinable()) thread_.join();
  }

  Status Start() {
    static std::once_flag curl_init;
    std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi_.reset(curl_multi_init());
    if (!multi_) return Error::Stop("curl_multi_init failed");
    const long limit = options_.concurrency;
    curl_multi_setopt(multi_.get(), CURLMOPT_MAX_HOST_CONNECTIONS, limit);
    curl_multi_setopt(multi_.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS, limit);
    curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, limit);  // keep them all alive
    for (CallKind kind : kCallKinds) {
      std::vector<std::string> lines = {"Content-Type: application/json",
                                        "Accept: application/json",
                                        std::string("X-Longforge-Stage: ") + CallKindName(kind),
                                        // No "100-continue" round trip before each body.
                                        "Expect:"};
      if (!options_.api_key.empty()) lines.push_back("Authorization: Bearer " + options_.api_key);
      CurlList& list = headers_[static_cast<std::size_t>(kind)];
      for (const std::string& line : lines) {
        curl_slist* head = curl_slist_append(list.get(), line.c_str());
        if (head == nullptr) return Error::Stop("curl_slist_append failed");
        (void)list.release();  // same head, or the new list when it was empty
        list.reset(head);
      }
    }
    thread_ = std::thread([this] { Run(); });
    return Status::Ok();
  }

  void Submit(ChatRequest request, Callback cb) {
    auto t = std::make_unique<Transfer>();
    t->kind = request.kind;
    t->model = request.model.empty() ? options_.model : request.model;
    t->body = EncodeChatRequest(request, t->model);
    t->cb = std::move(cb);
    bool accepted = false;
    bool wake = false;
    {
      std::lock_guard lock(mu_);
      if (!closed_) {
        // Only the first item of a batch needs a wakeup: the thread drains them all.
        wake = inbox_.empty();
        inbox_.push_back(std::move(t));
        accepted = true;
      }
    }
    if (!accepted) {
      t->cb(ShutDownError());  // misuse (Submit racing the destructor); still answer once
      return;
    }
    if (wake) curl_multi_wakeup(multi_.get());
  }

 private:
  static std::string WithoutTrailingSlash(std::string url) {
    if (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  }

  void Run() {
    std::vector<TransferPtr> incoming;
    while (true) {
      {
        std::lock_guard lock(mu_);
        if (stopping_) break;
        incoming.swap(inbox_);
      }
      for (TransferPtr& t : incoming) ready_.push_back(std::move(t));
      incoming.clear();
      const Clock::time_point now = Clock::now();
      while (!delayed_.empty() && delayed_.begin()->first <= now) {
        ready_.push_back(std::move(delayed_.begin()->second));
        delayed_.erase(delayed_.begin());
      }
      AdmitReady();
      int running = 0;
      curl_multi_perform(multi_.get(), &running);
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
        if (msg->msg == CURLMSG_DONE) Detach(msg->easy_handle, msg->data.result);
      }
      if (!detached_.empty()) {
        // The freed slots go to waiting requests, which are sent before the replies are
        // decoded and their callbacks run: with hundreds of replies arriving together,
        // doing that first held every slot idle for milliseconds per wave.
        AdmitReady();
        curl_multi_perform(multi_.get(), &running);
        std::vector<Detached> detached;
        detached.swap(detached_);
        for (Detached& d : detached) Finish(std::move(d));
        continue;  // the callbacks may have submitted more: no poll wait before admitting
      }
      curl_multi_poll(multi_.get(), nullptr, 0, PollTimeoutMs(), nullptr);
    }
    Shutdown();
  }

  // Requests allowed on the wire now.
  std::size_t Slots() const {
    if (!options_.adaptive_concurrency) return static_cast<std::size_t>(options_.concurrency);
    if (Clock::now() < limit_.PausedUntil()) return 0;  // a Retry-After is running
    return static_cast<std::size_t>(limit_.Limit());
  }

  // Starts waiting requests while slots are free.
  void AdmitReady() {
    const std::size_t slots = Slots();
    while (active_.size() < slots && !ready_.empty()) {
      TransferPtr t = std::move(ready_.front());
      ready_.pop_front();
      StartAttempt(std::move(t));
    }
  }

  int PollTimeoutMs() const {
    if (!ready_.empty() && active_.size() < Slots()) {
      return 0;  // slots just freed: admit the queue now
    }
    Clock::time_point next = Clock::time_point::max();
    if (!delayed_.empty()) next = delayed_.begin()->first;
    if (!ready_.empty() && options_.adaptive_concurrency && limit_.PausedUntil() > Clock::now()) {
      next = std::min(next, limit_.PausedUntil());  // a Retry-After ends
    }
    if (next == Clock::time_point::max()) return kMaxPollMs;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
    return static_cast<int>(
        std::clamp<std::chrono::milliseconds::rep>(wait.count() + 1, 0, kMaxPollMs));
  }

  void StartAttempt(TransferPtr t) {
    CurlEasy easy;
    if (!idle_.empty()) {
      easy = std::move(idle_.back());
      idle_.pop_back();
      curl_easy_reset(easy.get());  // keeps the handle's DNS cache and session ids
    } else {
      easy.reset(curl_easy_init());
      if (!easy) return Fail(std::move(t), Error::Retry("curl_easy_init failed"));
    }
    CURL* h = easy.get();
    Transfer* raw = t.get();
    raw->response.clear();
    raw->retry_after.reset();
    raw->error[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, raw->body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(raw->body.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_[static_cast<std::size_t>(raw->kind)].get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, raw);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, raw);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, raw->error.data());
    curl_easy_setopt(h, CURLOPT_PRIVATE, raw);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
    raw->attempt_start = Clock::now();
    if (raw->attempts == 0) raw->first_start = raw->attempt_start;
    ++raw->attempts;
    if (curl_multi_add_handle(multi_.get(), h) != CURLM_OK) {
      idle_.push_back(std::move(easy));
      return RetryOrFail(std::move(t), "curl_multi_add_handle failed", std::nullopt);
    }
    raw->easy = std::move(easy);
    if (probe_ != nullptr) probe_->AttemptStarted(raw->kind);
    active_.emplace(h, std::move(t));
  }

  // A finished attempt: its slot is free, its reply not yet looked at.
  struct Detached {
    TransferPtr t;
    CURLcode code = CURLE_OK;
    long status = 0;
  };

  // Takes the attempt on `h` out of the multi handle, freeing its slot and handle.
  void Detach(CURL* h, CURLcode code) {
    const auto it = active_.find(h);
    if (it == active_.end()) return;  // cannot happen: every added handle is in active_
    Detached d{std::move(it->second), code, 0};
    active_.erase(it);
    curl_multi_remove_handle(multi_.get(), h);
    if (probe_ != nullptr) probe_->AttemptFinished(d.t->kind);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &d.status);
    idle_.push_back(std::move(d.t->easy));
    detached_.push_back(std::move(d));
  }

  // An attempt that failed the way an absent or overwhelmed server fails tells against
  // the server's health; any other answer (a 400 included) proves it is there.
  void NoteHealth(const Transfer& t, CURLcode code, long status) {
    // CURLE_WRITE_ERROR: we cut an oversize reply short; the server did answer.
    if (code != CURLE_OK && code != CURLE_WRITE_ERROR) {
      health_.Failed(CurlReason(t, code));
    } else if (code == CURLE_OK && ClassifyStatus(status) == StatusClass::kRetry) {
      health_.Failed("HTTP " + std::to_string(status));
    } else {
      health_.Answered();
    }
    if (probe_ != nullptr && options_.stage) probe_->Up(*options_.stage, health_.Up());
  }

  // What the attempt says about the server's load: an overloaded server (429, 503, an
  // attempt that timed out) lowers the limit; an answer raises it while latency holds.
  void NoteLoad(const Transfer& t, CURLcode code, long status) {
    if (!options_.adaptive_concurrency) return;
    const int before = limit_.Limit();
    const auto now = Clock::now();
    if (code == CURLE_OPERATION_TIMEDOUT ||
        (code == CURLE_OK && (status == 429 || status == 503))) {
      limit_.OnOverloaded(t.attempt_start, now, t.retry_after);
    } else if (code == CURLE_OK && status >= 200 && status < 300) {
      limit_.OnAnswered(now - t.attempt_start);
    }
    const int after = limit_.Limit();
    if (after == before) return;
    // A server at its capacity is cut every few round trips (the AIMD saw-tooth): one
    // line every 10 s says so, with the cuts since the last line.
    if (after < before && now >= next_overload_log_) {
      spdlog::warn(
          "LLM at {} is overloaded ({}): {} requests at once, down from {} ({} cuts "
          "since the last report)",
          options_.base_url, code == CURLE_OK ? "HTTP " + std::to_string(status) : "timeout", after,
          before, limit_.decreases() - decreases_logged_);
      decreases_logged_ = limit_.decreases();
      next_overload_log_ = now + std::chrono::seconds(10);
    }
    if (probe_ != nullptr && options_.stage) probe_->ConcurrencyLimit(*options_.stage, after);
  }

  // Decides a detached attempt: success, retry or failure.
  void Finish(Detached d) {
    TransferPtr t = std::move(d.t);
    const CURLcode code = d.code;
    const long status = d.status;
    NoteHealth(*t, code, status);
    NoteLoad(*t, code, status);
    if (code != CURLE_OK) return RetryOrFail(std::move(t), CurlReason(*t, code), std::nullopt);

    const std::string http = "HTTP " + std::to_string(status);
    switch (ClassifyStatus(status)) {
      case StatusClass::kSuccess: {
        Result<ChatResponse> parsed = DecodeChatResponse(t->response);
        if (parsed.ok()) return Succeed(std::move(t), std::move(parsed).value());
        const std::string reason =
            "malformed response (" + parsed.error().message + "): " + BodyExcerpt(t->response);
        // A server that answered twice with garbage will keep doing so: do not spend
        // the whole retry budget on it.
        if (t->malformed_seen) {
          return Fail(std::move(t), Error::DeadLetter("LLM server sent a " + reason));
        }
        t->malformed_seen = true;
        return RetryOrFail(std::move(t), reason, std::nullopt);
      }
      case StatusClass::kRetry:
        return RetryOrFail(std::move(t), http + ": " + BodyExcerpt(t->response), t->retry_after);
      case StatusClass::kDeadLetter:
        return Fail(std::move(t), Error::DeadLetter("LLM server rejected the request with " + http +
                                                    ": " + BodyExcerpt(t->response)));
      case StatusClass::kStop:
        return Fail(std::move(t), Error::Stop("LLM server refused the client with " + http +
                                              " (check api_key and base_url " + url_ +
                                              "): " + BodyExcerpt(t->response)));
    }
  }

  void RetryOrFail(TransferPtr t, const std::string& reason,
                   std::optional<std::chrono::seconds> retry_after) {
    if (t->attempts >= options_.max_attempts) {
      // Still transient (connection, timeout, 429, 5xx): the caller decides whether
      // to try the work again later or to give it up.
      return Fail(std::move(t),
                  Error::Retry("LLM request failed after " + std::to_string(t->attempts) +
                               " attempt(s); last: " + reason));
    }
    if (probe_ != nullptr) probe_->Count(t->kind, Outcome::kRetry);
    std::chrono::milliseconds delay =
        FullJitterBackoff(t->attempts, options_.backoff_base, options_.backoff_max, rng_);
    if (retry_after) {
      delay = std::max(delay,
                       std::min<std::chrono::milliseconds>(*retry_after, options_.retry_after_max));
    }
    delayed_.emplace(Clock::now() + delay, std::move(t));
  }

  void Succeed(TransferPtr t, ChatResponse response) {
    if (response.model.empty()) response.model = t->model;
    response.attempts = t->attempts;
    if (probe_ != nullptr) {
      const std::chrono::duration<double> seconds = Clock::now() - t->first_start;
      probe_->Count(t->kind, Outcome::kOk);
      probe_->Completed(t->kind, seconds.count(), response.prompt_tokens,
                        response.completion_tokens);
    }
    t->cb(std::move(response));
  }

  void Fail(TransferPtr t, Error error) {
    if (probe_ != nullptr) probe_->Count(t->kind, Outcome::kError);
    t->cb(std::move(error));
  }

  // Answers everything still owned by the client, on the client thread, then refuses
  // further submissions.
  void Shutdown() {
    std::vector<TransferPtr> pending;
    for (auto& [h, t] : active_) {
      curl_multi_remove_handle(multi_.get(), h);
      if (probe_ != nullptr) probe_->AttemptFinished(t->kind);
      pending.push_back(std::move(t));
    }
    active_.clear();
    for (TransferPtr& t : ready_) pending.push_back(std::move(t));
    ready_.clear();
    for (auto& [due, t] : delayed_) pending.push_back(std::move(t));
    delayed_.clear();
    {
      std::lock_guard lock(mu_);
      closed_ = true;
      for (TransferPtr& t : inbox_) pending.push_back(std::move(t));
      inbox_.clear();
    }
    for (TransferPtr& t : pending) t->cb(ShutDownError());
  }

  const HttpChatClientOptions options_;
  LlmProbe* const probe_;
  const std::string url_;
  DependencyHealth health_;
  AdaptiveLimit limit_;  // the client thread's only
  Clock::time_point next_overload_log_{};
  int decreases_logged_ = 0;
  CurlMulti multi_;
  std::array<CurlList, kCallKinds.size()> headers_;  // one prebuilt header list per call kind

  // Client thread only.
  std::vector<CurlEasy> idle_;  // reused handles
  std::deque<TransferPtr> ready_;
  std::vector<Detached> detached_;  // finished attempts of this round of the loop
  std::multimap<Clock::time_point, TransferPtr> delayed_;  // waiting out a backoff
  std::unordered_map<CURL*, TransferPtr> active_;
  std::mt19937_64 rng_;

  std::mutex mu_;
  std::vector<TransferPtr> inbox_;  // guarded by mu_
  bool stopping_ = false;           // guarded by mu_
  bool closed_ = false;             // guarded by mu_: Shutdown() has run
  std::thread thread_;
};

Result<std::unique_ptr<HttpChatClient>> HttpChatClient::Create(HttpChatClientOptions options,
                                                               LlmProbe* probe) {
  if (Status valid = InvalidOptions("invalid LLM client options", options.Validate()); !valid) {
    return valid.error();
  }
  auto impl = std::make_unique<Impl>(std::move(options), probe);
  if (Status started = impl->Start(); !started.ok()) return started.error();
  return std::unique_ptr<HttpChatClient>(new HttpChatClient(std::move(impl)));
}

HttpChatClient::HttpChatClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpChatClient::~HttpChatClient() = default;

void HttpChatClient::Submit(ChatRequest request, Callback cb) {
  impl_->Submit(std::move(request), std::move(cb));
}

const DependencyHealth* HttpChatClient::health() const { return &impl_->health(); }

}  // namespace longforge::llm
