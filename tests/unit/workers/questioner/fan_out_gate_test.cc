// The questioner's credit-based fan-out: the budget holds, credits release more, a
// document's message is finished only when every request came back.
#include "workers/questioner/fan_out_gate.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "longforge/kafka/topics.h"
#include "support/metrics_text.h"

namespace longforge::workers {
namespace {

envelope::ChunkTable Table(const std::string& doc, uint32_t chunks) {
  envelope::ChunkTable table{doc, "estimate", 1000, {}};
  for (uint32_t i = 0; i < chunks; ++i) table.chunks.push_back({i, i * 100u, i * 100u + 100, 30});
  return table;
}

std::vector<envelope::Task> Tasks(const std::string& doc, int n, std::size_t question_bytes = 20) {
  std::vector<envelope::Task> tasks;
  for (int i = 0; i < n; ++i) {
    envelope::Task t;
    t.task_id = doc + "-t" + std::to_string(i);
    t.doc_id = doc;
    t.question = std::string(question_bytes, 'q') + "?";
    t.chunks_ref = doc + ".chunks";
    tasks.push_back(t);
  }
  return tasks;
}

// One document handed to the gate: what it emitted, and how its message ended.
struct Doc {
  explicit Doc(std::string doc_id) : id(std::move(doc_id)) {}
  std::string id;
  std::vector<kafka::OutMessage> emitted;
  std::vector<kafka::Delivered> deliveries;  // held until the test reports them
  std::optional<Result<kafka::Outputs>> done;
  bool deliver_at_once = true;

  kafka::Done Done() {
    return [this](Result<kafka::Outputs> r) { done = std::move(r); };
  }
  kafka::Emit Emit() {
    return [this](kafka::Outputs outs, kafka::Delivered delivered) {
      for (auto& o : outs) emitted.push_back(std::move(o));
      if (deliver_at_once) return delivered(Status{});
      deliveries.push_back(std::move(delivered));
    };
  }
  std::vector<envelope::RelevanceRequest> Requests() const {
    std::vector<envelope::RelevanceRequest> out;
    for (const auto& m : emitted) {
      if (m.topic == kafka::kRelevanceRequests) {
        out.push_back(envelope::DecodeRelevanceRequest(m.value).value());
      }
    }
    return out;
  }
};

class FanOutGateTest : public ::testing::Test {
 protected:
  void Add(FanOutGate& gate, Doc& doc, uint32_t chunks, int tasks, std::size_t per_call = 1) {
    FanOutPlan plan;
    plan.key = plan.doc_id = doc.id;
    plan.table = Table(doc.id, chunks);
    plan.tasks = Tasks(doc.id, tasks);
    plan.per_call = per_call;
    plan.ledger = envelope::TaskLedger{doc.id, {}, {}};
    for (const auto& t : plan.tasks) plan.ledger->task_ids.push_back(t.task_id);
    gate.Add(std::move(plan), doc.Done(), doc.Emit());
  }
  // An Lv3 sub-question of document `doc_id`, fanned out as `sub`.
  void AddSubQuestion(FanOutGate& gate, Doc& sub, const std::string& doc_id, uint32_t chunks) {
    FanOutPlan plan;
    plan.key = sub.id;
    plan.doc_id = doc_id;
    plan.table = Table(doc_id, chunks);
    plan.tasks = Tasks(doc_id, 1);
    plan.tasks[0].task_id = sub.id;
    plan.urgent = true;
    gate.Add(std::move(plan), sub.Done(), sub.Emit());
  }
  // Credits the index-th request the document released.
  FanOutGate::CreditOutcome Credit(FanOutGate& gate, const Doc& doc, std::size_t index) {
    const auto req = doc.Requests().at(index);
    return gate.Credit({doc.id, *req.release});
  }
  static std::size_t Bytes(const kafka::OutMessage& m) { return m.key.size() + m.value.size(); }
};

TEST_F(FanOutGateTest, ReleasesWithinTheBudgetAndMoreAsCreditsComeBack) {
  // Measure one request, then allow three at a time (later ones are a few bytes
  // longer: larger offsets).
  Doc probe("d");
  {
    FanOutGate big(1 << 20, nullptr);
    Add(big, probe, 1, 1);
  }
  const std::size_t one = Bytes(probe.emitted.at(1));
  FanOutGate gate(3 * one + one / 2, nullptr);
  Doc doc("d");
  Add(gate, doc, 10, 1);  // 10 requests of the same size
  ASSERT_EQ(doc.emitted.front().topic, kafka::kTasks) << "the ledger goes out first";
  EXPECT_EQ(doc.Requests().size(), 3u);
  EXPECT_EQ(gate.OutstandingBytes(),
            Bytes(doc.emitted[1]) + Bytes(doc.emitted[2]) + Bytes(doc.emitted[3]));
  EXPECT_FALSE(doc.done.has_value());

  std::size_t credited = 0;
  while (credited < doc.Requests().size()) {
    EXPECT_EQ(Credit(gate, doc, credited++), FanOutGate::CreditOutcome::kReturned);
    EXPECT_LE(gate.OutstandingBytes(), gate.max_bytes());
    if (credited < 10) {
      EXPECT_FALSE(doc.done.has_value()) << "finished before every credit";
    }
  }
  EXPECT_EQ(credited, 10u);
  ASSERT_TRUE(doc.done.has_value());
  ASSERT_TRUE(doc.done->ok());
  EXPECT_TRUE(doc.done->value().empty());
  EXPECT_EQ(gate.OutstandingBytes(), 0u);
  EXPECT_GE(gate.PeakBytes(), 3 * one);
  EXPECT_LE(gate.PeakBytes(), gate.max_bytes());
  EXPECT_EQ(gate.Pending(), 0u);

  // Every (chunk, task) was released once, keyed by document and chunk.
  std::map<uint32_t, int> chunks;
  for (const auto& r : doc.Requests()) ++chunks[r.chunk.index];
  EXPECT_EQ(chunks.size(), 10u);
  for (const auto& m : doc.emitted) {
    if (m.topic == kafka::kRelevanceRequests) {
      EXPECT_EQ(m.key.rfind("d:", 0), 0u) << m.key;
    }
  }
}

TEST_F(FanOutGateTest, TheOldestDocumentReleasesFirst) {
  Doc first("a"), second("b");
  Doc probe("p");
  {
    FanOutGate big(1 << 20, nullptr);
    Add(big, probe, 1, 1);
  }
  FanOutGate small(2 * Bytes(probe.emitted.at(1)) + 10, nullptr);
  Add(small, first, 3, 1);
  Add(small, second, 3, 1);
  EXPECT_EQ(first.Requests().size(), 2u);
  EXPECT_EQ(second.Requests().size(), 0u);
  ASSERT_EQ(second.emitted.size(), 1u) << "its ledger is out at once all the same";
  Credit(small, first, 0);
  EXPECT_EQ(first.Requests().size(), 3u);
  EXPECT_EQ(second.Requests().size(), 0u);
  Credit(small, first, 1);
  EXPECT_EQ(second.Requests().size(), 1u);
  Credit(small, first, 2);
  EXPECT_TRUE(first.done.has_value());
  EXPECT_EQ(second.Requests().size(), 2u);
  EXPECT_EQ(small.Pending(), 1u);
}

TEST_F(FanOutGateTest, AnLv3SubQuestionGoesAheadOfTheDocuments) {
  Doc probe("p");
  {
    FanOutGate big(1 << 20, nullptr);
    Add(big, probe, 1, 1);
  }
  FanOutGate gate(2 * Bytes(probe.emitted.at(1)) + 10, nullptr);
  Doc first("a"), second("b"), sub("a-sub");
  Add(gate, first, 4, 1);
  Add(gate, second, 4, 1);
  AddSubQuestion(gate, sub, "a", 3);
  EXPECT_EQ(first.Requests().size(), 2u);
  EXPECT_TRUE(sub.emitted.empty()) << "no ledger, and the budget is taken";
  Credit(gate, first, 0);
  Credit(gate, first, 1);
  ASSERT_EQ(sub.Requests().size(), 2u) << "the sub-question is served before the documents";
  EXPECT_EQ(first.Requests().size(), 2u);
  EXPECT_EQ(sub.Requests()[0].tasks.at(0).task_id, "a-sub");
  for (std::size_t i = 0; i < 3; ++i) {
    if (i == 2) {
      EXPECT_EQ(sub.Requests().size(), 3u);
    }
    gate.Credit({"a", *sub.Requests().at(i).release});
  }
  ASSERT_TRUE(sub.done.has_value());
  EXPECT_TRUE(sub.done->ok());
  EXPECT_TRUE(sub.done->value().empty());
  EXPECT_EQ(first.Requests().size(), 4u);
  EXPECT_EQ(second.Requests().size(), 0u);
}

TEST_F(FanOutGateTest, DuplicateUnknownAndUnreleasedCreditsReturnNothing) {
  FanOutGate gate(1 << 20, nullptr);
  Doc doc("d");
  Add(gate, doc, 2, 2);
  ASSERT_EQ(doc.Requests().size(), 4u);
  const std::size_t out = gate.OutstandingBytes();
  const auto release = *doc.Requests()[0].release;
  EXPECT_EQ(gate.Credit({"d", release}), FanOutGate::CreditOutcome::kReturned);
  const std::size_t after = gate.OutstandingBytes();
  EXPECT_LT(after, out);
  EXPECT_EQ(gate.Credit({"d", release}), FanOutGate::CreditOutcome::kDuplicate);
  EXPECT_EQ(gate.Credit({"d", {release.id, 99}}), FanOutGate::CreditOutcome::kDuplicate);
  EXPECT_EQ(gate.Credit({"d", {"another-incarnation", 1}}), FanOutGate::CreditOutcome::kUnknown);
  EXPECT_EQ(gate.Credit({"other-doc", {release.id, 1}}), FanOutGate::CreditOutcome::kUnknown);
  EXPECT_EQ(gate.OutstandingBytes(), after);
  EXPECT_FALSE(doc.done.has_value());
}

TEST_F(FanOutGateTest, ARequestLargerThanTheBudgetGoesAloneWhenNothingIsOut) {
  FanOutGate gate(64, nullptr);  // smaller than any request
  Doc doc("d");
  Add(gate, doc, 3, 1);
  EXPECT_EQ(doc.Requests().size(), 1u);
  Credit(gate, doc, 0);
  EXPECT_EQ(doc.Requests().size(), 2u);
  Credit(gate, doc, 1);
  Credit(gate, doc, 2);
  ASSERT_TRUE(doc.done.has_value());
  EXPECT_TRUE(doc.done->ok());
}

TEST_F(FanOutGateTest, AReleaseThatCannotBeDeliveredRetriesTheDocumentAndFreesItsBudget) {
  FanOutGate gate(1 << 20, nullptr);
  Doc doc("d");
  doc.deliver_at_once = false;
  Add(gate, doc, 4, 1);
  ASSERT_EQ(doc.deliveries.size(), 1u) << "the ledger and the requests go in one batch";
  EXPECT_GT(gate.OutstandingBytes(), 0u);
  doc.deliveries[0](Error::Retry("message timed out"));
  ASSERT_TRUE(doc.done.has_value());
  ASSERT_FALSE(doc.done->ok());
  EXPECT_EQ(doc.done->error().disposition, Disposition::kRetry);
  EXPECT_NE(doc.done->error().message.find("message timed out"), std::string::npos);
  EXPECT_EQ(gate.OutstandingBytes(), 0u);
  EXPECT_EQ(gate.Pending(), 0u);
  // Its late credits belong to nobody.
  EXPECT_EQ(Credit(gate, doc, 0), FanOutGate::CreditOutcome::kUnknown);
}

TEST_F(FanOutGateTest, TheSameDocumentTwiceIsOneFanOutFinishingBothMessages) {
  FanOutGate gate(1 << 20, nullptr);
  Doc doc("d"), again("d");
  Add(gate, doc, 2, 1);
  Add(gate, again, 2, 1);
  EXPECT_TRUE(again.emitted.empty());
  EXPECT_EQ(gate.Pending(), 1u);
  EXPECT_EQ(gate.Held(), 2u);
  Credit(gate, doc, 0);
  Credit(gate, doc, 1);
  ASSERT_TRUE(doc.done.has_value() && again.done.has_value());
  EXPECT_TRUE(doc.done->ok() && again.done->ok());
  EXPECT_EQ(gate.Held(), 0u);
}

TEST_F(FanOutGateTest, ADocumentWithoutTasksIsDoneWithItsLedger) {
  FanOutGate gate(1 << 20, nullptr);
  Doc doc("d");
  Add(gate, doc, 5, 0);
  ASSERT_TRUE(doc.done.has_value());
  ASSERT_TRUE(doc.done->ok());
  ASSERT_EQ(doc.done->value().size(), 1u);
  EXPECT_EQ(doc.done->value()[0].topic, kafka::kTasks);
  EXPECT_EQ(gate.Pending(), 0u);
}

TEST_F(FanOutGateTest, QuestionsPerCallShareARequest) {
  FanOutGate gate(1 << 20, nullptr);
  Doc doc("d");
  Add(gate, doc, 2, 5, /*per_call=*/2);
  const auto reqs = doc.Requests();
  ASSERT_EQ(reqs.size(), 2u * 3u);
  std::vector<std::size_t> sizes;
  for (const auto& r : reqs) sizes.push_back(r.tasks.size());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 2, 1, 2, 2, 1}));
}

TEST_F(FanOutGateTest, ItsProbeShowsTheBytesOutAndTheCredits) {
  prometheus::Registry registry;
  QuestionerProbe probe(registry);
  FanOutGate gate(1 << 20, &probe);
  Doc doc("d");
  Add(gate, doc, 2, 1);
  Credit(gate, doc, 0);
  Credit(gate, doc, 0);
  const std::string left = std::to_string(Bytes(doc.emitted.at(2)));
  const std::string metrics = builders::MetricsText(registry);
  for (const std::string& line :
       {"longforge_questioner_fan_out_bytes " + left,
        std::string("longforge_questioner_fan_out_bytes_limit 1048576"),
        std::string("longforge_questioner_fan_outs 1"),
        std::string("longforge_questioner_credits_total{outcome=\"returned\"} 1"),
        std::string("longforge_questioner_credits_total{outcome=\"duplicate\"} 1"),
        std::string("longforge_questioner_relevance_requests_total 2")}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << " in\n" << metrics;
  }
}

}  // namespace
}  // namespace longforge::workers
