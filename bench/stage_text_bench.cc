// Per-message text work of the stages over real books (bench/books.h): quote grounding
// and reply parsing (every relevance reply), question normalisation and near-duplicate
// filtering (every generated question), answer match tokens (every filtered answer and
// its evidence). Items are replies, questions or chunks; see each benchmark.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "bench/books.h"
#include "longforge/text/chunker.h"
#include "longforge/text/segmenter.h"
#include "longforge/text/text_match.h"
#include "longforge/text/token_counter.h"
#include "workers/questioner/question_dedupe.h"
#include "workers/relevance/quote_grounding.h"
#include "workers/relevance/relevance_reply.h"

namespace longforge::workers {
namespace {

using bench::kHongloumeng;
using bench::kWarAndPeace;
using bench::Load;

constexpr std::size_t kChunks = 64;

// What a relevance call sees: a 1,000-token reading chunk and the quotes a model sent
// back for it (two sentences with their line breaks folded, one with a trailing
// ellipsis, one verbatim, one invented), for kChunks chunks spread over the book.
struct Reply {
  std::string_view chunk;
  std::vector<std::string> quotes;
};

std::string WithoutLineBreaks(std::string_view s, std::string_view by) {
  std::string out;
  for (const char c : s) {
    if (c == '\r') continue;
    if (c == '\n') {
      out += by;
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<Reply> Replies(const std::string& book, bool chinese) {
  auto estimator = text::MakeEstimator();
  const auto chunks = text::ChunkText(book, *estimator, text::ChunkOptions{.max_tokens = 1000});
  text::Segmenter segmenter;
  std::vector<Reply> out;
  for (std::size_t i = 0; i < kChunks; ++i) {
    const text::Chunk& c = chunks[(i * chunks.size()) / kChunks + 1];
    const std::string_view chunk = std::string_view(book).substr(c.begin, c.end - c.begin);
    const auto sentences = segmenter.Sentences(chunk);
    const std::size_t mid = sentences.size() / 2;
    const std::string_view one = sentences[mid].In(chunk);
    const std::string_view two =
        chunk.substr(sentences[mid].begin,
                     sentences[std::min(mid + 2, sentences.size()) - 1].end - sentences[mid].begin);
    Reply r{chunk, {}};
    r.quotes.push_back(WithoutLineBreaks(two, chinese ? "" : " "));
    r.quotes.push_back(WithoutLineBreaks(one, chinese ? "" : " ") + "...");
    r.quotes.emplace_back(sentences.front().In(chunk));
    r.quotes.emplace_back(chinese ? "这句话在书中根本没有出现，是模型编造的。"
                                  : "This sentence was made up by the model and is not there.");
    out.push_back(std::move(r));
  }
  return out;
}

void BM_GroundQuotes(benchmark::State& state, const char* name) {
  const std::string* book = nullptr;
  if (!Load(state, name, &book)) return;
  const auto replies = Replies(*book, std::string_view(name) == kHongloumeng);
  std::size_t kept = 0;
  for (auto _ : state) {
    kept = 0;
    for (const Reply& r : replies) kept += GroundQuotes(r.chunk, r.quotes).kept.size();
  }
  state.counters["kept"] = static_cast<double>(kept);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * replies.size()));
}
BENCHMARK_CAPTURE(BM_GroundQuotes, war_and_peace, kWarAndPeace)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_GroundQuotes, hongloumeng, kHongloumeng)->Unit(benchmark::kMicrosecond);

// The same quotes as a four-question reply: "[i]" headers, bullets, quote marks, NONE.
void BM_ParseRelevanceReply(benchmark::State& state, const char* name) {
  const std::string* book = nullptr;
  if (!Load(state, name, &book)) return;
  std::vector<std::string> texts;
  for (const Reply& r : Replies(*book, std::string_view(name) == kHongloumeng)) {
    std::string text = "Here are the relevant sentences:\n\n[1]\n";
    for (const std::string& q : r.quotes) text += "- \"" + q + "\"\n";
    text += "\n[2]\nNONE\n\n[3]\n" + r.quotes.front() + "\n\n[4]\n无\n";
    texts.push_back(std::move(text));
  }
  for (auto _ : state) {
    for (const std::string& t : texts) benchmark::DoNotOptimize(ParseRelevanceReply(t, 4));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * texts.size()));
}
BENCHMARK_CAPTURE(BM_ParseRelevanceReply, war_and_peace, kWarAndPeace)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ParseRelevanceReply, hongloumeng, kHongloumeng)->Unit(benchmark::kMicrosecond);

// Sentences of question length (at most 200 bytes) from the book, in order.
std::vector<std::string> Questions(const std::string& book, std::size_t n) {
  text::Segmenter segmenter;
  std::vector<std::string> out;
  const std::string_view text = std::string_view(book).substr(book.size() / 3, 200'000);
  for (const text::Span& s : segmenter.Sentences(text)) {
    if (s.size() > 20 && s.size() <= 200) out.emplace_back(s.In(text));
    if (out.size() == n) break;
  }
  return out;
}

void BM_NormalizeQuestion(benchmark::State& state, const char* name) {
  const std::string* book = nullptr;
  if (!Load(state, name, &book)) return;
  const auto questions = Questions(*book, 512);
  for (auto _ : state) {
    for (const std::string& q : questions) benchmark::DoNotOptimize(NormalizeQuestion(q));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * questions.size()));
}
BENCHMARK_CAPTURE(BM_NormalizeQuestion, war_and_peace, kWarAndPeace)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_NormalizeQuestion, hongloumeng, kHongloumeng)->Unit(benchmark::kMicrosecond);

// One document's questions through a fresh filter (MinHash dominates).
void BM_NearDuplicateFilter(benchmark::State& state, const char* name) {
  const std::string* book = nullptr;
  if (!Load(state, name, &book)) return;
  const auto questions = Questions(*book, 64);
  for (auto _ : state) {
    NearDuplicateFilter filter;
    for (const std::string& q : questions) benchmark::DoNotOptimize(filter.Admit(q));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * questions.size()));
}
BENCHMARK_CAPTURE(BM_NearDuplicateFilter, war_and_peace, kWarAndPeace)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_NearDuplicateFilter, hongloumeng, kHongloumeng)->Unit(benchmark::kMicrosecond);

// Match tokens of whole reading chunks, as the filter takes them of an answer's evidence.
void BM_MatchTokens(benchmark::State& state, const char* name) {
  const std::string* book = nullptr;
  if (!Load(state, name, &book)) return;
  const auto replies = Replies(*book, std::string_view(name) == kHongloumeng);
  std::size_t bytes = 0;
  for (const Reply& r : replies) bytes += r.chunk.size();
  for (auto _ : state) {
    for (const Reply& r : replies) benchmark::DoNotOptimize(text::MatchTokens(r.chunk));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * replies.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK_CAPTURE(BM_MatchTokens, war_and_peace, kWarAndPeace)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_MatchTokens, hongloumeng, kHongloumeng)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace longforge::workers

BENCHMARK_MAIN();
