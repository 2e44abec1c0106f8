#pragma once
// Evidence retrieval for the answer stage (DESIGN §1, Lv1 and Lv2): BM25 over a
// document's retrieval chunks (~300 tokens), filled into an evidence budget (~4,500
// tokens) in score order and handed back in document order.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/store/document_store.h"
#include "longforge/text/analyzer.h"
#include "longforge/text/bm25.h"
#include "longforge/text/chunker.h"
#include "longforge/text/outline.h"
#include "longforge/text/token_counter.h"

namespace longforge::workers {

struct RetrievalOptions {
  // --retrieval-chunk-tokens: retrieval chunk size, tokens; default 300. At least 4.
  std::size_t chunk_tokens = 300;
  // --evidence-tokens: evidence budget handed to the answer model, tokens; default 4500.
  // At least chunk_tokens, so that any one chunk fits.
  std::size_t budget_tokens = 4500;
  // Documents whose index is kept (least recently used evicted); default 8. At least 1.
  std::size_t max_cached_documents = 8;

  // Every problem at once; empty when usable.
  std::vector<std::string> Validate() const;
};

// A selected retrieval chunk: bytes [begin, end) of the stored text.
struct Passage {
  uint64_t begin = 0;
  uint64_t end = 0;
  std::string text;
  std::size_t tokens = 0;  // == counter.Count(text)
  std::string chapter;     // text::ChapterAt the passage's middle; empty before any heading
};

struct RetrieverStats {
  uint64_t index_builds = 0;  // whole-document loads from the store (cache misses)
  uint64_t cache_hits = 0;    // lookups answered by a cached index
  uint64_t prefetches = 0;    // indexes built ahead of time by Prefetch (also index_builds)
};

// Thread-safe: every public method takes one mutex for its whole duration, so calls
// from several threads are correct but run one at a time (the answer worker calls it
// from its run-loop thread only). A cache miss loads the whole document, chunks and
// analyzes it while holding the lock (about 0.2 s for a million tokens on one core);
// Prefetch does the same work ahead of time on the retriever's own thread, so that the
// Select at the end of a relevance pass finds the index ready.
//
// Memory: at most max_cached_documents indexes, each holding the chunk offsets, one
// (chunk, frequency) posting per distinct term per chunk and the first few hundred
// bytes of the text; the text itself is not kept (passages are read back with
// DocumentStore::GetRange), so a cached 1M-token book costs a few MB, not its size.
// `store` and `counter` must outlive the retriever.
class Retriever {
 public:
  // Throws std::invalid_argument when !options.Validate().empty() (a caller bug), and
  // std::runtime_error when ICU or the stemmer cannot be loaded (start-up).
  Retriever(store::DocumentStore& store, const text::TokenCounter& counter,
            RetrievalOptions options);
  // Finishes the prefetch under way, if any, and stops its thread.
  ~Retriever();
  Retriever(const Retriever&) = delete;
  Retriever& operator=(const Retriever&) = delete;

  // Starts building the index of `doc_id` on the prefetch thread, unless it is cached,
  // queued or being built; returns at once. A Select or Opening of a document being
  // built waits for that build instead of starting another. A failed prefetch (e.g. the
  // document is missing) leaves nothing behind: the Select that follows reports it.
  void Prefetch(const std::string& doc_id);

  // The passages of document `doc_id` that best match `query_texts` (questions,
  // quotes, keywords; analyzed like the document): chunks scoring > 0 taken in score
  // order (ties: earlier chunk first), each added while the total of their `tokens`
  // stays <= budget_tokens (a chunk that does not fit is skipped, a smaller later one
  // may still fit), then sorted by position. When no chunk scores > 0, the front of
  // the document up to the budget (contiguous chunks from offset 0). An empty
  // document gives no passages.
  // Errors: the store's (kDeadLetter when the document is missing, kRetry on a read
  // failure).
  Result<std::vector<Passage>> Select(const std::string& doc_id,
                                      const std::vector<std::string>& query_texts);

  // The opening of the document (at most min(max_bytes, 1024) bytes, cut at a
  // code-point boundary), e.g. to show a model the document's language. Builds and
  // caches the index like Select, so a following Select of the same document is a hit.
  Result<std::string> Opening(const std::string& doc_id, std::size_t max_bytes = 400);

  // The chapter (text::ChapterAt) at each of `offsets` of document `doc_id`, found by
  // the outline the index holds; builds and caches the index like Select.
  Result<std::vector<std::string>> ChaptersAt(const std::string& doc_id,
                                              const std::vector<uint64_t>& offsets);

  // Bytes [begin, end) of document `doc_id`'s text, read from the store (not cached).
  Result<std::string> Range(const std::string& doc_id, uint64_t begin, uint64_t end) const;

  RetrieverStats stats() const;
  const RetrievalOptions& options() const { return options_; }
  const text::TokenCounter& counter() const { return counter_; }

 private:
  struct Entry {
    std::string doc_id;
    std::vector<text::Chunk> chunks;
    text::Bm25Index index;
    std::string opening;  // the first kOpeningBytes of the text
    std::vector<text::Heading> outline;
  };
  static constexpr std::size_t kOpeningBytes = 1024;

  // The cached entry for `doc_id`, moved to the front; waits for a prefetch of it under
  // way, builds it on a miss. Requires `lock` to hold mu_.
  Result<const Entry*> Find(const std::string& doc_id, std::unique_lock<std::mutex>& lock);
  // Loads, chunks and analyzes `doc_id` with `analyzer`; touches no shared state.
  Result<Entry> Build(const std::string& doc_id, text::Analyzer& analyzer) const;
  // Adds `entry` at the front, evicting the least recently used beyond the limit.
  // Requires mu_.
  void Insert(Entry entry);
  void PrefetchLoop();
  Result<std::vector<Passage>> Read(const Entry& entry, const std::vector<std::size_t>& chosen);

  store::DocumentStore& store_;
  const text::TokenCounter& counter_;
  const RetrievalOptions options_;

  mutable std::mutex mu_;
  text::Analyzer analyzer_;   // guarded by mu_
  std::list<Entry> entries_;  // guarded by mu_; most recently used first
  RetrieverStats stats_;      // guarded by mu_

  // The prefetch thread and its queue, all guarded by mu_ (the thread's analyzer is its
  // own and runs without the lock).
  std::condition_variable prefetch_cv_;  // work queued, a build finished, or stopping
  std::deque<std::string> prefetch_queue_;
  std::set<std::string> prefetching_;  // queued or being built
  bool stopping_ = false;
  std::thread prefetch_thread_;  // started by the first Prefetch
};

}  // namespace longforge::workers
