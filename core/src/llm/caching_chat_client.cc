#include "longforge/llm/caching_chat_client.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace longforge::llm {

CachingChatClient::CachingChatClient(std::unique_ptr<ChatClient> inner,
                                     std::unique_ptr<ResponseCache> cache,
                                     std::string default_model, LlmProbe* probe)
    : inner_(std::move(inner)),
      cache_(std::move(cache)),
      default_model_(std::move(default_model)),
      probe_(probe),
      thread_([this] { Run(); }) {}

CachingChatClient::~CachingChatClient() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  // From here OnInnerDone answers directly (running_ is false).
  inner_.reset();
}

void CachingChatClient::Submit(ChatRequest request, Callback cb) {
  Job job;
  job.kind = request.kind;
  // Hashing here spreads the work over the submitting threads.
  job.key = CacheKeyOf(request, request.model.empty() ? default_model_ : request.model);
  job.cb = std::move(cb);
  job.request = std::move(request);
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void CachingChatClient::OnInnerDone(CallKind kind, CacheKey key, Callback cb,
                                    Result<ChatResponse> result) {
  {
    std::lock_guard lock(mu_);
    if (running_) {
      Job job;
      job.kind = kind;
      job.key = std::move(key);
      job.cb = std::move(cb);
      job.done = std::move(result);
      jobs_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  cb(std::move(result));  // shutting down: the inner client's answer goes straight back
}

void CachingChatClient::Run() {
  std::vector<Job> batch;
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) {
      running_ = false;  // stopping_ and drained
      return;
    }
    batch.swap(jobs_);
    const bool stopping = stopping_;
    lock.unlock();
    Process(batch, stopping);
    batch.clear();
    lock.lock();
  }
}

void CachingChatClient::Process(std::vector<Job>& batch, bool stopping) {
  std::vector<std::pair<CacheKey, ChatResponse>> to_store;
  for (Job& job : batch) {
    // A reply cut at max_tokens is not replayed: its cut would be forgotten.
    if (job.done && job.done->ok() && !job.done->value().Truncated()) {
      to_store.emplace_back(job.key, job.done->value());
    }
  }
  if (Status stored = cache_->Store(to_store); !stored.ok()) {
    spdlog::warn("LLM response cache: {} (responses not cached)", stored.error().message);
  }
  for (Job& job : batch) {
    if (job.done) {
      job.cb(std::move(*job.done));
      continue;
    }
    Result<std::optional<ChatResponse>> hit = cache_->Lookup(job.key);
    if (!hit.ok()) {
      spdlog::warn("LLM response cache: {} (treated as a miss)", hit.error().message);
    } else if (hit.value()) {
      if (probe_ != nullptr) probe_->Count(job.kind, Outcome::kCacheHit);
      job.cb(std::move(*hit.value()));
      continue;
    }
    if (stopping) {
      job.cb(Error::Retry("LLM client shut down before the request finished"));
      continue;
    }
    inner_->Submit(std::move(*job.request),
                   [this, kind = job.kind, key = std::move(job.key),
                    cb = std::move(job.cb)](Result<ChatResponse> result) mutable {
                     OnInnerDone(kind, std::move(key), std::move(cb), std::move(result));
                   });
  }
}

}  // namespace longforge::llm
