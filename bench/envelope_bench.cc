// Encode/decode cost of the hottest messages: a relevance request and result per
// chunk and task, so per LLM call.

#include <benchmark/benchmark.h>

#include "longforge/envelope/messages.h"

namespace longforge::envelope {
namespace {

Task SampleTask() {
  Task t;
  t.task_id = "0123456789abcdef0123456789abcdef";
  t.doc_id = "fedcba9876543210fedcba9876543210";
  t.question = "What did Ahab lose to the white whale, and where did it happen?";
  t.reference = "his leg";
  t.chunks_ref = t.doc_id + ".chunks-0123456789ab.json";
  t.language = "en";
  return t;
}

RelevanceResult SampleResult() {
  RelevanceResult r;
  r.task = SampleTask();
  r.chunk = {412, 1'204'311, 1'208'644, 998};
  r.chunk_count = 1000;
  r.verdict = RelevanceVerdict::kRelevant;
  r.quotes = {
      "It was Moby Dick that dismasted me; Moby Dick that brought me to this dead stump "
      "I stand on now."};
  r.backend = "llm:qwen3-8b";
  r.usage = {1, 1210, 38, 0};
  return r;
}

void BM_EncodeRelevanceRequest(benchmark::State& state) {
  RelevanceRequest req{{SampleTask()}, {412, 1'204'311, 1'208'644, 998}, 1000};
  for (auto _ : state) benchmark::DoNotOptimize(Encode(req));
}
BENCHMARK(BM_EncodeRelevanceRequest);

void BM_DecodeRelevanceRequest(benchmark::State& state) {
  const std::string bytes =
      Encode(RelevanceRequest{{SampleTask()}, {412, 1'204'311, 1'208'644, 998}, 1000});
  for (auto _ : state) benchmark::DoNotOptimize(DecodeRelevanceRequest(bytes));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_DecodeRelevanceRequest);

void BM_EncodeRelevanceResult(benchmark::State& state) {
  const RelevanceResult r = SampleResult();
  for (auto _ : state) benchmark::DoNotOptimize(Encode(r));
}
BENCHMARK(BM_EncodeRelevanceResult);

void BM_DecodeRelevanceResult(benchmark::State& state) {
  const std::string bytes = Encode(SampleResult());
  for (auto _ : state) benchmark::DoNotOptimize(DecodeRelevanceResult(bytes));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_DecodeRelevanceResult);

}  // namespace
}  // namespace longforge::envelope

BENCHMARK_MAIN();
