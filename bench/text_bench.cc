// Text layer micro-benchmarks over real books (bench/books.h): document preparation (UTF-8
// checks, NFC, hash), chunking, sentence segmentation, analysis, BM25 indexing and querying.

#include <benchmark/benchmark.h>
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/books.h"
#include "longforge/store/document_text.h"
#include "longforge/text/analyzer.h"
#include "longforge/text/bm25.h"
#include "longforge/text/chunker.h"
#include "longforge/text/segmenter.h"
#include "longforge/text/token_counter.h"

namespace longforge::text {
namespace {

using bench::kHongloumeng;
using bench::kWarAndPeace;
using bench::Load;

void BM_ChunkBook(benchmark::State& state, const char* name) {
  const std::string* book = nullptr;
  if (!Load(state, name, &book)) {
    return;
  }
  auto estimator = MakeEstimator();
  const ChunkOptions options{.max_tokens = static_cast<std::size_t>(state.range(0))};
  std::size_t chunks = 0;
  for (auto _ : state) {
    auto result = ChunkText(*book, *estimator, options);
    chunks = result.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["chunks"] = static_cast<double>(chunks);
  state.counters["tokens"] = static_cast<double>(estimator->Count(*book));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * book->size()));
}
BENCHMARK_CAPTURE(BM_ChunkBook, war_and_peace, kWarAndPeace)
    ->Arg(1000)
    ->Arg(300)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ChunkBook, hongloumeng, kHongloumeng)
    ->Arg(1000)
    ->Arg(300)
    ->Unit(benchmark::kMillisecond);

// The segmenter's UTF-8 UText path against converting the book to UTF-16 first (the
// alternative the design weighed); both over the whole book with ICU's raw rules.
void BM_IcuSentences(benchmark::State& state, bool utf16) {
  const std::string* book = nullptr;
  if (!Load(state, kWarAndPeace, &book)) {
    return;
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(
      icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status));
  std::size_t sentences = 0;
  for (auto _ : state) {
    icu::UnicodeString u16;
    UText ut = UTEXT_INITIALIZER;
    if (utf16) {
      u16 = icu::UnicodeString::fromUTF8(*book);
      it->setText(u16);
    } else {
      utext_openUTF8(&ut, book->data(), static_cast<std::int64_t>(book->size()), &status);
      it->setText(&ut, status);
    }
    sentences = 0;
    while (it->next() != icu::BreakIterator::DONE) {
      ++sentences;
    }
    utext_close(&ut);
  }
  state.counters["sentences"] = static_cast<double>(sentences);
}
BENCHMARK_CAPTURE(BM_IcuSentences, utf8_utext, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_IcuSentences, utf16_copy, true)->Unit(benchmark::kMillisecond);

// What ingest does to every document before storing it: size, NUL and UTF-8 checks,
// NFC normalization and the content hash.
void BM_PrepareDocument(benchmark::State& state, const char* name) {
  const std::string* book = nullptr;
  if (!Load(state, name, &book)) {
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(store::PrepareDocument(*book, name, std::size_t{1} << 30));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(book->size()));
}
BENCHMARK_CAPTURE(BM_PrepareDocument, war_and_peace, kWarAndPeace)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PrepareDocument, hongloumeng, kHongloumeng)->Unit(benchmark::kMillisecond);

void BM_SegmenterSentences(benchmark::State& state) {
  const std::string* book = nullptr;
  if (!Load(state, kWarAndPeace, &book)) {
    return;
  }
  Segmenter segmenter;
  for (auto _ : state) {
    benchmark::DoNotOptimize(segmenter.Sentences(*book));
  }
}
BENCHMARK(BM_SegmenterSentences)->Unit(benchmark::kMillisecond);

std::vector<std::string_view> RetrievalChunks(const std::string& book) {
  auto estimator = MakeEstimator();
  std::vector<std::string_view> texts;
  for (const Chunk& c : ChunkText(book, *estimator, ChunkOptions{.max_tokens = 300})) {
    texts.push_back(std::string_view(book).substr(c.begin, c.end - c.begin));
  }
  return texts;
}

void BM_AnalyzeChunks(benchmark::State& state, const char* name) {
  const std::string* book = nullptr;
  if (!Load(state, name, &book)) {
    return;
  }
  const auto texts = RetrievalChunks(*book);
  Analyzer analyzer;
  for (auto _ : state) {
    std::size_t terms = 0;
    for (std::string_view t : texts) {
      terms += analyzer.Analyze(t).size();
    }
    benchmark::DoNotOptimize(terms);
  }
  state.counters["chunks"] = static_cast<double>(texts.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * book->size()));
}
BENCHMARK_CAPTURE(BM_AnalyzeChunks, war_and_peace, kWarAndPeace)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_AnalyzeChunks, hongloumeng, kHongloumeng)->Unit(benchmark::kMillisecond);

std::vector<std::vector<std::string>> AnalyzedChunks(const std::string& book) {
  Analyzer analyzer;
  std::vector<std::vector<std::string>> docs;
  for (std::string_view t : RetrievalChunks(book)) {
    docs.push_back(analyzer.Analyze(t));
  }
  return docs;
}

// What a task pays before its first query: analyze every retrieval chunk, then index.
void BM_AnalyzeAndIndex(benchmark::State& state) {
  const std::string* book = nullptr;
  if (!Load(state, kWarAndPeace, &book)) {
    return;
  }
  const auto texts = RetrievalChunks(*book);
  for (auto _ : state) {
    Analyzer analyzer;
    const Bm25Index index = Bm25Index::FromTexts(texts, analyzer);
    benchmark::DoNotOptimize(index.size());
  }
  state.counters["docs"] = static_cast<double>(texts.size());
}
BENCHMARK(BM_AnalyzeAndIndex)->Unit(benchmark::kMillisecond);

void BM_Bm25Index(benchmark::State& state) {
  const std::string* book = nullptr;
  if (!Load(state, kWarAndPeace, &book)) {
    return;
  }
  const auto docs = AnalyzedChunks(*book);
  std::size_t vocabulary = 0;
  for (auto _ : state) {
    const Bm25Index index(docs);
    vocabulary = index.vocabulary_size();
  }
  state.counters["docs"] = static_cast<double>(docs.size());
  state.counters["vocabulary"] = static_cast<double>(vocabulary);
}
BENCHMARK(BM_Bm25Index)->Unit(benchmark::kMillisecond);

// 50 queries of 16 terms each, taken from chunks spread over the book (about the size
// of a question plus its keywords).
void BM_Bm25Query50(benchmark::State& state) {
  const std::string* book = nullptr;
  if (!Load(state, kWarAndPeace, &book)) {
    return;
  }
  const auto docs = AnalyzedChunks(*book);
  const Bm25Index index(docs);
  std::vector<std::vector<std::string>> queries;
  for (std::size_t q = 0; q < 50; ++q) {
    const auto& d = docs[q * docs.size() / 50];
    queries.emplace_back(
        d.begin(), d.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(16, d.size())));
  }
  for (auto _ : state) {
    for (const auto& q : queries) {
      benchmark::DoNotOptimize(index.Query(q, 15));
    }
  }
  state.counters["docs"] = static_cast<double>(docs.size());
}
BENCHMARK(BM_Bm25Query50)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace longforge::text

BENCHMARK_MAIN();
