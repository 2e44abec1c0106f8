#include "workers/questioner/questioner_worker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "longforge/envelope/chunk_table.h"
#include "longforge/kafka/topics.h"
#include "support/metrics_text.h"
#include "support/temp_store.h"
#include "unit/workers/questioner/fan_out_harness.h"

namespace longforge::workers {
namespace {

constexpr const char* kDoc = "0123456789abcdef0123456789abcdef";

// Handles one message on a worker without a generator, crediting every request back:
// the requests in release order, then the ledger.
Result<kafka::Outputs> HandleNow(QuestionerWorker& worker, const kafka::InMessage& message) {
  return RunFanOut(worker, message).outputs;
}

class QuestionerWorkerTest : public ::testing::Test {
 protected:
  // A chunked document with `chunks` chunks of 100 bytes and the given questions.
  envelope::ChunkedEvent Document(uint32_t chunks, std::vector<std::string> questions) {
    envelope::ChunkTable table{kDoc, "estimate", 1000, {}};
    for (uint32_t i = 0; i < chunks; ++i) table.chunks.push_back({i, i * 100u, i * 100u + 100, 30});
    const std::string ref = std::string(kDoc) + ".chunks-test.json";
    EXPECT_TRUE(store_->Put(ref, envelope::Encode(table)).ok());
    envelope::ChunkedEvent ev;
    ev.doc_id = kDoc;
    ev.chunk_count = chunks;
    ev.chunks_ref = ref;
    for (auto& q : questions) ev.questions.push_back({std::move(q), std::nullopt});
    return ev;
  }

  Result<kafka::Outputs> Handle(const envelope::ChunkedEvent& ev, std::size_t per_call = 1) {
    QuestionerOptions options;
    options.questions_per_call = per_call;
    QuestionerWorker worker(options, *store_);
    return HandleNow(worker, {kafka::kChunked, 0, 0, kDoc, envelope::Encode(ev)});
  }

  TempDir dir_;
  std::unique_ptr<store::DocumentStore> store_ = OpenTempStore(dir_);
};

TEST_F(QuestionerWorkerTest, FansOutChunksTimesQuestionGroupsPlusOneLedger) {
  const auto ev = Document(3, {"Q1?", "Q2?", "Q3?", "Q4?", "Q5?"});
  auto out = Handle(ev, /*per_call=*/2);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), 3u * 3u + 1u);  // 3 chunks × ceil(5 / 2) + ledger

  std::map<uint32_t, std::vector<std::size_t>> group_sizes;  // by chunk
  std::map<std::string, int> task_chunks;                    // task id → chunks seen
  for (std::size_t i = 0; i + 1 < out->size(); ++i) {
    const auto& m = out->at(i);
    ASSERT_EQ(m.topic, kafka::kRelevanceRequests);
    auto req = envelope::DecodeRelevanceRequest(m.value);
    ASSERT_TRUE(req.ok()) << req.error().message;
    EXPECT_EQ(m.key, std::string(kDoc) + ":" + std::to_string(req->chunk.index));
    EXPECT_EQ(req->chunk_count, 3u);
    EXPECT_EQ(req->chunk.begin, req->chunk.index * 100u);
    group_sizes[req->chunk.index].push_back(req->tasks.size());
    for (const auto& t : req->tasks) {
      EXPECT_EQ(t.doc_id, kDoc);
      EXPECT_EQ(t.level, 2);
      ++task_chunks[t.task_id];
    }
  }
  for (uint32_t c = 0; c < 3; ++c) {
    EXPECT_EQ(group_sizes[c], (std::vector<std::size_t>{2, 2, 1})) << "chunk " << c;
  }

  const auto& last = out->back();
  ASSERT_EQ(last.topic, kafka::kTasks);
  EXPECT_EQ(last.key, kDoc);
  auto ledger = envelope::DecodeTaskLedger(last.value);
  ASSERT_TRUE(ledger.ok());
  ASSERT_EQ(ledger->task_ids.size(), 5u);
  for (const auto& id : ledger->task_ids) EXPECT_EQ(task_chunks[id], 3) << id;
  EXPECT_EQ(task_chunks.size(), 5u);
}

TEST_F(QuestionerWorkerTest, ItsProbeCountsTasksAndRequests) {
  prometheus::Registry registry;
  QuestionerProbe probe(registry);
  QuestionerOptions options;
  options.questions_per_call = 2;
  QuestionerWorker worker(options, *store_, nullptr, &probe);
  const auto ev = Document(3, {"Q1?", "Q2?", "Q3?"});
  ASSERT_TRUE(HandleNow(worker, {kafka::kChunked, 0, 0, kDoc, envelope::Encode(ev)}).ok());
  const std::string metrics = builders::MetricsText(registry);
  for (const char* line : {"longforge_questioner_documents_total 1",
                           "longforge_questioner_tasks_total{origin=\"supplied\"} 3",
                           "longforge_questioner_tasks_total{origin=\"generated\"} 0",
                           "longforge_questioner_relevance_requests_total 6"}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << " in\n" << metrics;
  }
}

TEST_F(QuestionerWorkerTest, OneQuestionPerCallByDefault) {
  auto out = Handle(Document(4, {"A?", "B?"}));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->size(), 4u * 2u + 1u);
}

TEST_F(QuestionerWorkerTest, DropsDuplicateAndEmptyQuestionsWithNotes) {
  auto out =
      Handle(Document(2, {"Who is Ahab?", "  who IS   ahab?\n", "   ", "Where is Nantucket?"}));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->size(), 2u * 2u + 1u);
  auto ledger = envelope::DecodeTaskLedger(out->back().value);
  ASSERT_TRUE(ledger.ok());
  EXPECT_EQ(ledger->task_ids, (std::vector<std::string>{TaskIdOf(kDoc, "Who is Ahab?"),
                                                        TaskIdOf(kDoc, "Where is Nantucket?")}));
  const std::set<std::string> notes(ledger->notes.begin(), ledger->notes.end());
  EXPECT_TRUE(notes.contains("1 duplicate questions dropped"))
      << ::testing::PrintToString(ledger->notes);
  EXPECT_TRUE(notes.contains("1 empty questions dropped"))
      << ::testing::PrintToString(ledger->notes);
}

TEST_F(QuestionerWorkerTest, NoQuestionsGiveAnEmptyLedgerOnly) {
  auto out = Handle(Document(3, {}));
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), 1u);
  auto ledger = envelope::DecodeTaskLedger(out->at(0).value);
  ASSERT_TRUE(ledger.ok());
  EXPECT_TRUE(ledger->task_ids.empty());
  EXPECT_EQ(ledger->notes, std::vector<std::string>{"no questions supplied"});
}

TEST_F(QuestionerWorkerTest, BoundsTasksPerDocument) {
  QuestionerOptions options;
  options.max_tasks_per_document = 2;
  QuestionerWorker worker(options, *store_);
  std::vector<std::string> notes;
  const auto tasks = worker.PlanTasks(Document(1, {"a?", "b?", "c?", "d?"}), notes);
  EXPECT_EQ(tasks.size(), 2u);
  EXPECT_EQ(notes, std::vector<std::string>{"2 questions over the per-document limit dropped"});
}

TEST(TaskIdOf, IsDeterministicAndFoldsCaseAndSpacing) {
  EXPECT_EQ(TaskIdOf("d", "Who is Ahab?"), TaskIdOf("d", "Who is Ahab?"));
  EXPECT_EQ(TaskIdOf("d", "Who is Ahab?"), TaskIdOf("d", " WHO  is\tahab? "));
  EXPECT_EQ(TaskIdOf("d", "Où est l'ÉCOLE ？"), TaskIdOf("d", "où est l'école\u00a0?"));
  EXPECT_NE(TaskIdOf("d", "Who is Ahab?"), TaskIdOf("e", "Who is Ahab?"));
  EXPECT_NE(TaskIdOf("d", "Who is Ahab?"), TaskIdOf("d", "Who is Ishmael?"));
  EXPECT_EQ(TaskIdOf("d", "q").size(), 32u);
}

TEST_F(QuestionerWorkerTest, TaskIdsAreTheSameAcrossRuns) {
  const auto ev = Document(2, {"Q1?", "Q2?"});
  auto a = Handle(ev);
  auto b = Handle(ev, 2);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(envelope::DecodeTaskLedger(a->back().value)->task_ids,
            envelope::DecodeTaskLedger(b->back().value)->task_ids);
}

TEST_F(QuestionerWorkerTest, BadInputsAreDeadLetters) {
  auto mismatch = Document(3, {"Q?"});
  mismatch.chunk_count = 4;
  auto missing = Document(1, {"Q?"});
  missing.chunks_ref = "nowhere.json";
  for (const auto& [value, needle] : std::vector<std::pair<std::string, std::string>>{
           {"{}", "\"schema\""},
           {envelope::Encode(mismatch), "has 3 chunks, message says 4"},
           {envelope::Encode(missing), store_->PathOf("nowhere.json")}}) {
    SCOPED_TRACE(value);
    QuestionerWorker worker({}, *store_);
    auto r = HandleNow(worker, {kafka::kChunked, 0, 0, "", value});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  }
}

TEST(QuestionerOptions, ValidateReportsEveryProblem) {
  QuestionerOptions o;
  EXPECT_TRUE(o.Validate().empty());
  o.questions_per_call = 0;
  o.level = 4;
  o.max_tasks_per_document = 0;
  o.sampling.questions_per_doc = -2;
  o.sampling.multi_hop_share = 1.5;
  o.near_duplicate_threshold = 0;
  o.fan_out_bytes = kMinFanOutBytes - 1;
  o.decontaminate = {""};
  EXPECT_EQ(o.Validate().size(), 8u);
}

// The fan-out holds the document's message until the relevance stage has credited
// every request back; credits are finished at once, and a bad one is a dead letter.
TEST_F(QuestionerWorkerTest, TheDocumentIsParkedUntilEveryRequestIsCredited) {
  QuestionerWorker worker({}, *store_);
  const auto ev = Document(3, {"A?", "B?"});
  auto held = RunFanOut(worker, {kafka::kChunked, 0, 0, kDoc, envelope::Encode(ev)},
                        /*credit=*/false, std::chrono::milliseconds(50));
  EXPECT_FALSE(held.outputs.ok());
  EXPECT_NE(held.outputs.error().message.find("emitted 7"), std::string::npos)
      << held.outputs.error().message;  // 6 requests and the ledger
  EXPECT_EQ(worker.Parked(), 1u);
  EXPECT_GT(worker.gate().OutstandingBytes(), 0u);

  std::optional<Result<kafka::Outputs>> bad;
  worker.HandleEmitting(
      {kafka::kRelevanceCredits, 0, 0, kDoc, "{\"schema\":\"lf.relevance.credits/v1\"}"},
      [&](Result<kafka::Outputs> r) { bad = std::move(r); },
      [](kafka::Outputs, kafka::Delivered d) { d(Status{}); });
  ASSERT_TRUE(bad.has_value());
  ASSERT_FALSE(bad->ok());
  EXPECT_EQ(bad->error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(bad->error().message.find("doc_id"), std::string::npos) << bad->error().message;
}

// An Lv3 sub-question from the answer stage is read over every chunk through the same
// gate, without a ledger; one that names no chunk table is a dead letter.
TEST_F(QuestionerWorkerTest, AnLv3SubQuestionFansOutOverEveryChunkWithoutALedger) {
  QuestionerWorker worker({}, *store_);
  const auto ev = Document(3, {});
  envelope::Task sub;
  sub.task_id = "sub-1";
  sub.doc_id = kDoc;
  sub.question = "Who commanded the ship?";
  sub.parent_task_id = "root-1";
  sub.level = 3;
  sub.memory = {{"Which ship?", "The Pequod."}};
  sub.chunks_ref = ev.chunks_ref;
  auto run = RunFanOut(
      worker, {kafka::kSubquestions, 0, 0, kDoc, envelope::Encode(envelope::SubQuestion{sub})});
  ASSERT_TRUE(run.outputs.ok()) << run.outputs.error().message;
  ASSERT_EQ(run.outputs->size(), 3u);
  for (const auto& m : *run.outputs) {
    ASSERT_EQ(m.topic, kafka::kRelevanceRequests);
    auto req = envelope::DecodeRelevanceRequest(m.value);
    ASSERT_TRUE(req.ok());
    ASSERT_EQ(req->tasks.size(), 1u);
    EXPECT_EQ(req->tasks[0].parent_task_id, "root-1");
    EXPECT_EQ(req->tasks[0].memory.size(), 1u);
    EXPECT_TRUE(req->release.has_value());
  }

  sub.chunks_ref = "nowhere.json";
  std::optional<Result<kafka::Outputs>> bad;
  worker.HandleEmitting(
      {kafka::kSubquestions, 0, 1, kDoc, envelope::Encode(envelope::SubQuestion{sub})},
      [&](Result<kafka::Outputs> r) { bad = std::move(r); },
      [](kafka::Outputs, kafka::Delivered d) { d(Status{}); });
  ASSERT_TRUE(bad.has_value());
  ASSERT_FALSE(bad->ok());
  EXPECT_EQ(bad->error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(bad->error().message.find("nowhere.json"), std::string::npos);
}

// --level auto: a question with a reference starts at level 1 and reaches the answer
// stage as one not_asked result, reading no chunk; one without a reference reads every
// chunk at level 2 and does not cascade (nothing could tell its answer wrong).
TEST_F(QuestionerWorkerTest, TheCascadeSendsReferencedQuestionsStraightToTheAnswerStage) {
  auto ev = Document(3, {"Without a reference?"});
  ev.questions.push_back({"With a reference?", "Yes."});
  QuestionerOptions options;
  options.cascade = true;
  QuestionerWorker worker(options, *store_);
  auto out = HandleNow(worker, {kafka::kChunked, 0, 0, kDoc, envelope::Encode(ev)});
  ASSERT_TRUE(out.ok()) << out.error().message;
  std::vector<envelope::RelevanceRequest> requests;
  std::vector<envelope::RelevanceResult> direct;
  std::optional<envelope::TaskLedger> ledger;
  for (const auto& m : *out) {
    if (m.topic == kafka::kRelevanceRequests) {
      requests.push_back(envelope::DecodeRelevanceRequest(m.value).value());
    } else if (m.topic == kafka::kRelevanceResults) {
      direct.push_back(envelope::DecodeRelevanceResult(m.value).value());
      EXPECT_EQ(m.key, direct.back().task.task_id);
    } else {
      ASSERT_EQ(m.topic, kafka::kTasks);
      ledger = envelope::DecodeTaskLedger(m.value).value();
    }
  }
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    ASSERT_EQ(r.tasks.size(), 1u);
    EXPECT_EQ(r.tasks[0].question, "Without a reference?");
    EXPECT_EQ(r.tasks[0].level, 2);
    EXPECT_FALSE(r.tasks[0].cascade);
  }
  ASSERT_EQ(direct.size(), 1u);
  EXPECT_EQ(direct[0].task.question, "With a reference?");
  EXPECT_EQ(direct[0].task.level, 1);
  EXPECT_TRUE(direct[0].task.cascade);
  EXPECT_EQ(direct[0].verdict, envelope::RelevanceVerdict::kNotAsked);
  EXPECT_EQ(direct[0].chunk_count, 3u);
  EXPECT_EQ(direct[0].task.chunks_ref, ev.chunks_ref);  // so the filter can send it up
  ASSERT_TRUE(ledger.has_value());
  EXPECT_EQ(ledger->task_ids.size(), 2u);
  bool noted = false;
  for (const auto& n : ledger->notes) noted |= n.find("1 tasks at level 1") != std::string::npos;
  EXPECT_TRUE(noted);
}

// --level 1 without the cascade: every task goes to the answer stage unread; nothing is
// released to the relevance stage, and the document's message finishes at once.
TEST_F(QuestionerWorkerTest, LevelOneReleasesNoRelevanceRequest) {
  const auto ev = Document(4, {"A?", "B?"});
  QuestionerOptions options;
  options.level = 1;
  options.cascade = false;
  QuestionerWorker worker(options, *store_);
  auto out = HandleNow(worker, {kafka::kChunked, 0, 0, kDoc, envelope::Encode(ev)});
  ASSERT_TRUE(out.ok()) << out.error().message;
  std::size_t results = 0;
  for (const auto& m : *out) {
    EXPECT_NE(m.topic, kafka::kRelevanceRequests);
    if (m.topic != kafka::kRelevanceResults) continue;
    ++results;
    const auto r = envelope::DecodeRelevanceResult(m.value).value();
    EXPECT_EQ(r.task.level, 1);
    EXPECT_FALSE(r.task.cascade);
  }
  EXPECT_EQ(results, 2u);
  EXPECT_EQ(worker.Parked(), 0u);
}

TEST(CascadeLevel, StartsWhereAnAnswerCanBeCheckedOrWhereItWouldEnd) {
  envelope::Task t;
  t.reference = "x";
  CascadeLevel(t);
  EXPECT_EQ(t.level, 1);
  EXPECT_TRUE(t.cascade);
  t.scope = envelope::Scope::kGlobal;
  CascadeLevel(t);
  EXPECT_EQ(t.level, 2);
  EXPECT_FALSE(t.cascade);
  envelope::Task hop;
  hop.type = "multi-hop";
  CascadeLevel(hop);
  EXPECT_EQ(hop.level, 3);
  EXPECT_FALSE(hop.cascade);
  hop.type = "fact";
  CascadeLevel(hop);
  EXPECT_EQ(hop.level, 2);
}

// Without a run loop that can emit, a document is not silently dropped: it is retried.
TEST_F(QuestionerWorkerTest, PlainHandleCannotFanOutAndAsksForARetry) {
  QuestionerWorker worker({}, *store_);
  std::optional<Result<kafka::Outputs>> r;
  worker.Handle({kafka::kChunked, 0, 0, kDoc, envelope::Encode(Document(2, {"A?"}))},
                [&](Result<kafka::Outputs> out) { r = std::move(out); });
  ASSERT_TRUE(r.has_value());
  ASSERT_FALSE(r->ok());
  EXPECT_EQ(r->error().disposition, Disposition::kRetry);
}

// The outputs of `out` on `topic`.
kafka::Outputs OnTopic(const kafka::Outputs& out, const std::string& topic) {
  kafka::Outputs on;
  for (const auto& m : out) {
    if (m.topic == topic) on.push_back(m);
  }
  return on;
}

TEST_F(QuestionerWorkerTest, AContaminatedSuppliedQuestionIsRejectedUnaskedAndTheOthersGoOn) {
  const std::string copied =
      "In the novel Moby Dick, what is the name of the ship whose captain lost his leg to the "
      "white whale on an earlier voyage?";
  const std::string chinese = "在红楼梦中，贾宝玉出生时口中衔着的那块通灵宝玉上刻着哪几个字？";
  BenchmarkIndex benchmark(0.7);
  benchmark.Add("bench.jsonl:1", copied);
  benchmark.Add("bench.jsonl:2", chinese);
  benchmark.Seal();
  prometheus::Registry registry;
  QuestionerProbe probe(registry);
  QuestionerWorker worker({}, *store_, nullptr, &probe, nullptr, &benchmark);
  const std::string changed =
      "IN THE NOVEL MOBY-DICK: what is the name of the ship, whose captain lost his leg to the "
      "white whale on an earlier voyage";
  const std::string chinese_changed =
      "在红楼梦中,贾宝玉出生时口中衔着的那块通灵宝玉上刻着哪几个字?";
  const std::string clean = "Why does Ishmael go to sea?";
  const auto ev = Document(2, {changed, clean, chinese_changed});
  auto out = HandleNow(worker, {kafka::kChunked, 0, 0, kDoc, envelope::Encode(ev)});
  ASSERT_TRUE(out.ok()) << out.error().message;

  // Only the clean question is read: one request per chunk.
  const auto requests = OnTopic(*out, kafka::kRelevanceRequests);
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& m : requests) {
    auto req = envelope::DecodeRelevanceRequest(m.value);
    ASSERT_TRUE(req.ok());
    ASSERT_EQ(req->tasks.size(), 1u);
    EXPECT_EQ(req->tasks[0].question, clean);
  }
  // The two others end on lf.rejected, naming the benchmark item.
  const auto rejected = OnTopic(*out, kafka::kRejected);
  ASSERT_EQ(rejected.size(), 2u);
  std::map<std::string, envelope::SampleRecord> by_question;
  for (const auto& m : rejected) {
    auto sample = envelope::DecodeSampleRecord(m.value);
    ASSERT_TRUE(sample.ok()) << sample.error().message;
    EXPECT_EQ(m.key, sample->sample_id);
    EXPECT_EQ(sample->sample_id, envelope::SampleIdOf(sample->record.task.task_id));
    EXPECT_EQ(sample->verdict.decision, envelope::Decision::kReject);
    EXPECT_EQ(sample->verdict.reasons, std::vector<std::string>{"contaminated"});
    EXPECT_TRUE(sample->record.answer.empty());
    EXPECT_EQ(sample->record.usage.calls, 0u);
    by_question[sample->record.task.question] = *sample;
  }
  ASSERT_TRUE(by_question.contains(changed));
  ASSERT_TRUE(by_question.contains(chinese_changed));
  const auto& english = by_question[changed];
  EXPECT_EQ(english.record.task.task_id, TaskIdOf(kDoc, changed));
  ASSERT_TRUE(english.verdict.contamination.has_value());
  EXPECT_EQ(english.verdict.contamination->source, "bench.jsonl:1");
  EXPECT_EQ(english.verdict.contamination->item, copied);
  EXPECT_EQ(english.verdict.contamination->method, "ngram");
  ASSERT_TRUE(by_question[chinese_changed].verdict.contamination.has_value());
  EXPECT_EQ(by_question[chinese_changed].verdict.contamination->source, "bench.jsonl:2");

  // The ledger still lists every task, so whoever counts them sees the rejected ones end.
  const auto ledgers = OnTopic(*out, kafka::kTasks);
  ASSERT_EQ(ledgers.size(), 1u);
  auto ledger = envelope::DecodeTaskLedger(ledgers[0].value);
  ASSERT_TRUE(ledger.ok());
  const std::set<std::string> ids(ledger->task_ids.begin(), ledger->task_ids.end());
  EXPECT_EQ(ids, (std::set<std::string>{TaskIdOf(kDoc, changed), TaskIdOf(kDoc, clean),
                                        TaskIdOf(kDoc, chinese_changed)}));
  EXPECT_NE(std::find(ledger->notes.begin(), ledger->notes.end(),
                      "2 supplied questions rejected unanswered as contaminated (--decontaminate)"),
            ledger->notes.end())
      << ::testing::PrintToString(ledger->notes);

  const std::string metrics = builders::MetricsText(registry);
  for (const char* line : {"longforge_questioner_contaminated_total{origin=\"supplied\"} 2",
                           "longforge_questioner_contaminated_total{origin=\"generated\"} 0",
                           "longforge_questioner_tasks_total{origin=\"supplied\"} 1"}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << " in\n" << metrics;
  }
}

TEST_F(QuestionerWorkerTest, WithoutABenchmarkNothingIsRejected) {
  const auto ev = Document(1, {"In the novel Moby Dick, what is the name of the ship?"});
  auto out = Handle(ev);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_TRUE(OnTopic(*out, kafka::kRejected).empty());
  EXPECT_EQ(OnTopic(*out, kafka::kRelevanceRequests).size(), 1u);
}

}  // namespace
}  // namespace longforge::workers
