#include "workers/answer/retriever.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include <sys/resource.h>
#include <unistd.h>

#include "longforge/common/utf8.h"

namespace longforge::workers {

std::vector<std::string> RetrievalOptions::Validate() const {
  std::vector<std::string> problems;
  if (chunk_tokens < 4) problems.emplace_back("--retrieval-chunk-tokens must be >= 4");
  if (budget_tokens < chunk_tokens) {
    problems.emplace_back("--evidence-tokens must be >= --retrieval-chunk-tokens");
  }
  if (max_cached_documents < 1) problems.emplace_back("retrieval cache must hold >= 1 document");
  return problems;
}

namespace {

RetrievalOptions Checked(RetrievalOptions options) {
  const auto problems = options.Validate();
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    throw std::invalid_argument("RetrievalOptions: " + all);
  }
  return options;
}

}  // namespace

Retriever::Retriever(store::DocumentStore& store, const text::TokenCounter& counter,
                     RetrievalOptions options)
    : store_(store), counter_(counter), options_(Checked(options)) {}

Retriever::~Retriever() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    prefetch_queue_.clear();
  }
  prefetch_cv_.notify_all();
  if (prefetch_thread_.joinable()) prefetch_thread_.join();
}

Result<Retriever::Entry> Retriever::Build(const std::string& doc_id,
                                          text::Analyzer& analyzer) const {
  auto text = store_.Get(store::DocumentStore::TextKey(doc_id));
  if (!text) return text.error();
  const std::string& t = text.value();
  auto chunks = text::ChunkText(t, counter_, text::ChunkOptions{options_.chunk_tokens});
  std::vector<std::vector<std::string>> terms;
  terms.reserve(chunks.size());
  for (const auto& c : chunks) {
    terms.push_back(analyzer.Analyze(std::string_view(t).substr(c.begin, c.end - c.begin)));
  }
  text::Bm25Index index(terms);
  std::string opening = t.substr(0, CodePointPrefix(t, kOpeningBytes));
  return Entry{doc_id, std::move(chunks), std::move(index), std::move(opening),
               text::DetectOutline(t)};
}

void Retriever::Insert(Entry entry) {
  entries_.push_front(std::move(entry));
  while (entries_.size() > options_.max_cached_documents) entries_.pop_back();
}

Result<const Retriever::Entry*> Retriever::Find(const std::string& doc_id,
                                                std::unique_lock<std::mutex>& lock) {
  // A prefetch of this document is queued or under way: take its result.
  prefetch_cv_.wait(lock, [&] { return stopping_ || !prefetching_.contains(doc_id); });
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->doc_id != doc_id) continue;
    entries_.splice(entries_.begin(), entries_, it);
    ++stats_.cache_hits;
    return &entries_.front();
  }
  auto entry = Build(doc_id, analyzer_);
  if (!entry) return entry.error();
  ++stats_.index_builds;
  Insert(std::move(entry.value()));
  return &entries_.front();
}

void Retriever::Prefetch(const std::string& doc_id) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || prefetching_.contains(doc_id)) return;
    for (const auto& e : entries_) {
      if (e.doc_id == doc_id) return;
    }
    prefetching_.insert(doc_id);
    prefetch_queue_.push_back(doc_id);
    if (!prefetch_thread_.joinable()) prefetch_thread_ = std::thread([this] { PrefetchLoop(); });
  }
  prefetch_cv_.notify_all();
}

void Retriever::PrefetchLoop() {
  // Background work: on a busy machine the threads that keep the LLM fed go first
  // (Linux applies nice to the calling thread; failure just leaves the priority).
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
  text::Analyzer analyzer;  // its own: analyzer_ belongs to callers holding mu_
  std::unique_lock lock(mu_);
  while (true) {
    prefetch_cv_.wait(lock, [&] { return stopping_ || !prefetch_queue_.empty(); });
    if (stopping_) break;
    const std::string doc_id = std::move(prefetch_queue_.front());
    prefetch_queue_.pop_front();
    lock.unlock();
    auto entry = Build(doc_id, analyzer);
    lock.lock();
    if (entry) {
      ++stats_.index_builds;
      ++stats_.prefetches;
      Insert(std::move(entry.value()));
    }
    prefetching_.erase(doc_id);
    prefetch_cv_.notify_all();
  }
  prefetching_.clear();
  prefetch_cv_.notify_all();
}

Result<std::vector<Passage>> Retriever::Read(const Entry& entry,
                                             const std::vector<std::size_t>& chosen) {
  const std::string key = store::DocumentStore::TextKey(entry.doc_id);
  std::vector<Passage> out;
  out.reserve(chosen.size());
  for (std::size_t i : chosen) {
    const text::Chunk& c = entry.chunks[i];
    auto bytes = store_.GetRange(key, c.begin, c.end);
    if (!bytes) return bytes.error();
    out.push_back(Passage{c.begin, c.end, std::move(bytes.value()), c.tokens,
                          text::ChapterAt(entry.outline, c.begin + (c.end - c.begin) / 2)});
  }
  return out;
}

Result<std::vector<Passage>> Retriever::Select(const std::string& doc_id,
                                               const std::vector<std::string>& query_texts) {
  std::unique_lock lock(mu_);
  auto found = Find(doc_id, lock);
  if (!found) return found.error();
  const Entry& entry = *found.value();

  std::vector<std::string> query;
  for (const auto& q : query_texts) analyzer_.AnalyzeInto(q, query);
  const std::vector<double> scores = entry.index.Scores(query);

  std::vector<std::size_t> order(entry.chunks.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::erase_if(order, [&](std::size_t i) { return !(scores[i] > 0.0); });
  // Nothing matched: the front of the document, as the reference implementation does.
  const bool front = order.empty();
  if (front) {
    order.resize(entry.chunks.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
  } else {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  }

  std::vector<std::size_t> chosen;
  std::size_t used = 0;
  for (std::size_t i : order) {
    if (used + entry.chunks[i].tokens > options_.budget_tokens) {
      if (front) break;  // the front stays contiguous
      continue;          // a smaller, lower-scored chunk may still fit
    }
    used += entry.chunks[i].tokens;
    chosen.push_back(i);
    if (used == options_.budget_tokens) break;
  }
  std::sort(chosen.begin(), chosen.end());
  return Read(entry, chosen);
}

Result<std::string> Retriever::Opening(const std::string& doc_id, std::size_t max_bytes) {
  std::unique_lock lock(mu_);
  auto found = Find(doc_id, lock);
  if (!found) return found.error();
  const std::string& opening = found.value()->opening;
  return opening.substr(0, CodePointPrefix(opening, max_bytes));
}

Result<std::vector<std::string>> Retriever::ChaptersAt(const std::string& doc_id,
                                                       const std::vector<uint64_t>& offsets) {
  std::unique_lock lock(mu_);
  auto found = Find(doc_id, lock);
  if (!found) return found.error();
  std::vector<std::string> out;
  out.reserve(offsets.size());
  for (const uint64_t offset : offsets)
    out.push_back(text::ChapterAt(found.value()->outline, offset));
  return out;
}

Result<std::string> Retriever::Range(const std::string& doc_id, uint64_t begin,
                                     uint64_t end) const {
  return store_.GetRange(store::DocumentStore::TextKey(doc_id), begin, end);
}

RetrieverStats Retriever::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace longforge::workers
