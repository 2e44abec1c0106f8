// Exact tokenizer throughput (BpeTokenizer::Count) on whole books, per core.
//
//   Count/<tokenizer>/<book>       warm: the piece cache is filled by earlier iterations
//   CountCold/<tokenizer>/<book>   cold: a freshly loaded tokenizer per iteration (load
//                                  time excluded), what a worker sees on its first book
//   CountShared/...threads:N       N threads counting the same book on one instance
//
// Counter "tokens_per_s" is tokens per second of CPU time of one thread. Tokenizers are
// read from ../shared/data/tokenizers, books from ../shared/data/books; an absent file
// turns its benchmark into an error row.

#include <benchmark/benchmark.h>

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "longforge/text/bpe_tokenizer.h"

namespace longforge::text {
namespace {

const std::string kData = std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/";
const std::map<std::string, std::string> kTokenizers = {
    {"cl100k", kData + "tokenizers/cl100k_base.tiktoken"},
    {"qwen3", kData + "tokenizers/qwen3/tokenizer.json"},
};
const std::map<std::string, std::string> kBooks = {
    {"war_and_peace", kData + "books/en_war_and_peace_pg2600.txt"},
    {"hongloumeng", kData + "books/zh_hongloumeng.txt"},
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  if (in) s << in.rdbuf();
  return s.str();
}

const std::string& Book(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, std::string> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, ReadFile(kBooks.at(name))).first;
  return it->second;
}

// One shared instance per tokenizer for the warm and multi-thread benchmarks.
const BpeTokenizer* Shared(const std::string& name, std::string* error) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<BpeTokenizer>> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second.get();
  auto loaded = BpeTokenizer::Load(kTokenizers.at(name));
  if (!loaded.ok()) {
    *error = loaded.error().message;
    return nullptr;
  }
  return cache.emplace(name, std::move(loaded.value())).first->second.get();
}

void Report(benchmark::State& state, std::size_t tokens, std::size_t bytes) {
  state.counters["tokens"] = double(tokens);
  state.counters["tokens_per_s"] =
      benchmark::Counter(double(tokens) * double(state.iterations()), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(std::int64_t(bytes) * state.iterations());
}

void Count(benchmark::State& state, const std::string& tok, const std::string& book) {
  std::string error;
  const BpeTokenizer* t = Shared(tok, &error);
  const std::string& text = Book(book);
  if (t == nullptr || text.empty()) {
    state.SkipWithError((t == nullptr ? error : "book not found: " + kBooks.at(book)).c_str());
    return;
  }
  std::size_t tokens = 0;
  for (auto _ : state) {
    tokens = t->Count(text);
    benchmark::DoNotOptimize(tokens);
  }
  Report(state, tokens, text.size());
}

void CountCold(benchmark::State& state, const std::string& tok, const std::string& book) {
  const std::string& text = Book(book);
  if (text.empty()) {
    state.SkipWithError(("book not found: " + kBooks.at(book)).c_str());
    return;
  }
  std::size_t tokens = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto loaded = BpeTokenizer::Load(kTokenizers.at(tok));
    if (!loaded.ok()) {
      state.SkipWithError(loaded.error().message.c_str());
      break;
    }
    state.ResumeTiming();
    tokens = (*loaded)->Count(text);
    benchmark::DoNotOptimize(tokens);
    state.PauseTiming();
    loaded = Error::Stop("release outside the timing");
    state.ResumeTiming();
  }
  Report(state, tokens, text.size());
}

void RegisterAll() {
  for (const auto& [tok, _] : kTokenizers) {
    for (const auto& [book, __] : kBooks) {
      const std::string suffix = tok + "/" + book;
      benchmark::RegisterBenchmark(("Count/" + suffix).c_str(), Count, tok, book)
          ->Unit(benchmark::kMillisecond)
          ->MinTime(2.0);
      benchmark::RegisterBenchmark(("CountCold/" + suffix).c_str(), CountCold, tok, book)
          ->Unit(benchmark::kMillisecond)
          ->Iterations(3);
      benchmark::RegisterBenchmark(("CountShared/" + suffix).c_str(), Count, tok, book)
          ->Unit(benchmark::kMillisecond)
          ->Threads(2)
          ->UseRealTime();
    }
  }
}

}  // namespace
}  // namespace longforge::text

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  longforge::text::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
