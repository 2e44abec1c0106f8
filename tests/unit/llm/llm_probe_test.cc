#include "longforge/llm/llm_probe.h"

#include <gtest/gtest.h>

#include <map>

#include "support/llm_test_util.h"

namespace longforge::llm {
namespace {

using testing::FakeLlmServer;
using testing::FakeReply;
using testing::FakeRequest;

// The value of one series: counter or gauge value, or a histogram's sample count.
double Sample(const prometheus::Registry& registry, const std::string& name,
              const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      std::map<std::string, std::string> have;
      for (const auto& label : metric.label) have[label.name] = label.value;
      if (have != labels) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          return metric.counter.value;
        case prometheus::MetricType::Gauge:
          return metric.gauge.value;
        case prometheus::MetricType::Histogram:
          return static_cast<double>(metric.histogram.sample_count);
        default:
          return -1;
      }
    }
  }
  return -1;
}

TEST(LlmProbe, TwoProbesShareOneRegistry) {
  prometheus::Registry registry;
  LlmProbe first(registry);
  LlmProbe second(registry);
  first.Count(CallKind::kJudge, Outcome::kOk);
  second.Count(CallKind::kJudge, Outcome::kOk);
  EXPECT_EQ(
      Sample(registry, "longforge_llm_requests_total", {{"stage", "judge"}, {"outcome", "ok"}}), 2);
  int families = 0;
  for (const auto& family : registry.Collect())
    families += family.name.rfind("longforge_llm", 0) == 0;
  EXPECT_EQ(families, 5);  // requests, seconds, tokens, inflight_requests and its old name
}

TEST(LlmProbe, CountsClientOutcomesTokensAndLatency) {
  auto seen = std::make_shared<std::atomic<int>>(0);
  FakeLlmServer server([seen](const FakeRequest&) {
    return seen->fetch_add(1) == 0 ? FakeReply::Status(503) : FakeReply::Content("fine");
  });
  prometheus::Registry registry;
  LlmProbe probe(registry);
  auto client = MakeClient(FastOptions(server), &probe);
  Results results;
  client->Submit(UserRequest("q", CallKind::kPlan), results.Add());
  ASSERT_TRUE(results.WaitFor(1));
  ASSERT_TRUE(results.Take()[0].ok());
  const auto requests = [&](const char* outcome) {
    return Sample(registry, "longforge_llm_requests_total",
                  {{"stage", "plan"}, {"outcome", outcome}});
  };
  EXPECT_EQ(requests("ok"), 1);
  EXPECT_EQ(requests("retry"), 1);
  EXPECT_EQ(requests("error"), 0);
  EXPECT_GT(Sample(registry, "longforge_llm_tokens_total", {{"stage", "plan"}, {"kind", "prompt"}}),
            0);
  EXPECT_GT(
      Sample(registry, "longforge_llm_tokens_total", {{"stage", "plan"}, {"kind", "completion"}}),
      0);
  EXPECT_EQ(Sample(registry, "longforge_llm_request_seconds", {{"stage", "plan"}}), 1);
  EXPECT_EQ(Sample(registry, "longforge_llm_inflight", {{"stage", "plan"}}), 0);
  EXPECT_EQ(Sample(registry, "longforge_llm_inflight_requests", {{"stage", "plan"}}), 0);
}

TEST(LlmProbe, InFlightRequestsAreAlsoExportedUnderTheirOldName) {
  prometheus::Registry registry;
  LlmProbe probe(registry);
  probe.AttemptStarted(CallKind::kRelevance);
  probe.AttemptStarted(CallKind::kRelevance);
  EXPECT_EQ(Sample(registry, "longforge_llm_inflight_requests", {{"stage", "relevance"}}), 2);
  EXPECT_EQ(Sample(registry, "longforge_llm_inflight", {{"stage", "relevance"}}), 2);
  probe.AttemptFinished(CallKind::kRelevance);
  EXPECT_EQ(Sample(registry, "longforge_llm_inflight_requests", {{"stage", "relevance"}}), 1);
  EXPECT_EQ(Sample(registry, "longforge_llm_inflight", {{"stage", "relevance"}}), 1);
}

}  // namespace
}  // namespace longforge::llm
