#include "run/run_tracker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "longforge/kafka/dead_letter.h"
#include "longforge/kafka/topics.h"

namespace longforge::app {
namespace {

using namespace std::chrono_literals;

envelope::SampleRecord Sample(const std::string& doc, const std::string& task,
                              envelope::Decision decision, std::vector<std::string> reasons = {}) {
  envelope::SampleRecord s;
  s.sample_id = "sample-" + task;
  s.record.task.task_id = task;
  s.record.task.doc_id = doc;
  s.record.usage = {3, 300, 30, 1};
  s.verdict = {decision, std::move(reasons)};
  return s;
}

// The lf.dlq record a worker writes for `payload` from `topic`, as the observer reads it.
kafka::DeadLetter Dlq(const std::string& topic, const std::string& payload,
                      const std::string& reason) {
  auto record = kafka::DecodeDeadLetter(
      kafka::EncodeDeadLetter(PipelineStage::kAnswer, {topic, 0, 7, "k", payload}, reason));
  if (!record.ok()) {
    ADD_FAILURE() << record.error().message;
    return {};
  }
  return *record;
}

TEST(RunTracker, DocumentEndsWhenItsLedgerIsKnownAndEveryTaskRecorded) {
  RunTracker t;
  t.Submitted("d1");
  EXPECT_FALSE(t.AllEnded());
  t.Ledger({"d1", {"t1", "t2", "t3"}, {"1 duplicate questions dropped"}});
  t.Recorded(Sample("d1", "t1", envelope::Decision::kAccept));
  t.Recorded(Sample("d1", "t2", envelope::Decision::kReject, {"no_evidence", "empty_answer"}));
  EXPECT_FALSE(t.AllEnded());
  EXPECT_EQ(t.OpenDocuments(), 1u);
  t.Recorded(Sample("d1", "t3", envelope::Decision::kReview));
  EXPECT_TRUE(t.AllEnded());
  EXPECT_EQ(t.OpenDocuments(), 0u);

  const auto s = t.Summary();
  EXPECT_EQ(s.documents, 1u);
  EXPECT_EQ(s.documents_ended, 1u);
  EXPECT_EQ(s.tasks, 3u);
  EXPECT_EQ(s.tasks_ended, 3u);
  EXPECT_EQ(s.accepted, 1u);
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_EQ(s.review, 1u);
  EXPECT_EQ(s.rejected_by_reason.at("no_evidence"), 1u);
  EXPECT_EQ(s.rejected_by_reason.at("empty_answer"), 1u);
  EXPECT_EQ(s.llm_calls, 9u);
  EXPECT_EQ(s.prompt_tokens, 900u);
  EXPECT_EQ(s.cache_hits, 3u);
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_EQ(s.notes[0], "d1: 1 duplicate questions dropped");
}

TEST(RunTracker, WithoutALedgerADocumentNeverEnds) {
  RunTracker t;
  t.Submitted("d1");
  t.Recorded(Sample("d1", "t1", envelope::Decision::kAccept));
  EXPECT_FALSE(t.AllEnded());
}

TEST(RunTracker, TasksRecordedBeforeTheLedgerCount) {
  RunTracker t;
  t.Submitted("d1");
  t.Recorded(Sample("d1", "t1", envelope::Decision::kAccept));
  t.Recorded(Sample("d1", "t2", envelope::Decision::kAccept));
  t.Ledger({"d1", {"t1", "t2"}, {}});
  EXPECT_TRUE(t.AllEnded());
  EXPECT_EQ(t.Summary().tasks_ended, 2u);
}

TEST(RunTracker, EmptyLedgerEndsTheDocument) {
  RunTracker t;
  t.Submitted("d1");
  t.Submitted("d2");
  t.Ledger({"d1", {}, {"no questions supplied"}});
  EXPECT_EQ(t.OpenDocuments(), 1u);
  EXPECT_FALSE(t.AllEnded());
}

TEST(RunTracker, RedeliveriesAndForeignDocumentsAreIgnored) {
  RunTracker t;
  t.Submitted("d1");
  t.Submitted("d1");
  t.Ledger({"d1", {"t1", "t2"}, {}});
  t.Ledger({"d1", {"t1", "t2"}, {}});  // redelivered ledger
  t.Ledger({"other", {"x"}, {}});      // not submitted by this run
  t.Recorded(Sample("d1", "t1", envelope::Decision::kAccept));
  t.Recorded(Sample("d1", "t1", envelope::Decision::kAccept));  // the sink reports duplicates too
  t.Recorded(Sample("other", "x", envelope::Decision::kAccept));
  const auto s = t.Summary();
  EXPECT_EQ(s.documents, 1u);
  EXPECT_EQ(s.tasks, 2u);
  EXPECT_EQ(s.tasks_ended, 1u);
  EXPECT_EQ(s.accepted, 1u);
  EXPECT_FALSE(t.AllEnded());
}

TEST(RunTracker, DeadLetteredDocumentEnds) {
  RunTracker t;
  t.Submitted("d1");
  t.Submitted("d2");
  envelope::DocumentEvent ev;
  ev.doc_id = "d1";
  t.DeadLettered(Dlq(kafka::kDocuments, envelope::Encode(ev), "NUL byte at offset 3"));
  EXPECT_EQ(t.OpenDocuments(), 1u);
  envelope::ChunkedEvent chunked;
  chunked.doc_id = "d2";
  t.DeadLettered(Dlq(kafka::kChunked, envelope::Encode(chunked), "chunk table missing"));
  EXPECT_TRUE(t.AllEnded());
  const auto s = t.Summary();
  EXPECT_EQ(s.documents_dead_lettered, 2u);
  EXPECT_EQ(s.dlq_records, 2u);
  ASSERT_EQ(s.notes.size(), 2u);
  EXPECT_NE(s.notes[0].find("NUL byte at offset 3"), std::string::npos) << s.notes[0];
}

TEST(RunTracker, DeadLetteredRelevanceResultEndsItsTask) {
  RunTracker t;
  t.Submitted("d1");
  t.Ledger({"d1", {"t1", "t2"}, {}});
  envelope::RelevanceResult r;
  r.task.task_id = "t1";
  r.task.doc_id = "d1";
  r.chunk_count = 1;
  r.verdict = envelope::RelevanceVerdict::kNone;
  t.DeadLettered(Dlq(kafka::kRelevanceResults, envelope::Encode(r), "answer backend: HTTP 500"));
  t.DeadLettered(Dlq(kafka::kRelevanceResults, envelope::Encode(r), "again"));  // a second chunk's
  EXPECT_FALSE(t.AllEnded());
  t.Recorded(Sample("d1", "t2", envelope::Decision::kAccept));
  EXPECT_TRUE(t.AllEnded());
  const auto s = t.Summary();
  EXPECT_EQ(s.tasks_dead_lettered, 1u);
  EXPECT_EQ(s.tasks_ended, 2u);
  EXPECT_EQ(s.dlq_records, 2u);
  // A record of the dead-lettered task arriving later does not count it twice.
  t.Recorded(Sample("d1", "t1", envelope::Decision::kAccept));
  EXPECT_EQ(t.Summary().accepted, 1u);
}

TEST(RunTracker, DeadLetteredAnswerAndSampleEndTheirTasks) {
  RunTracker t;
  t.Submitted("d1");
  t.Ledger({"d1", {"t1", "t2"}, {}});
  envelope::AnswerRecord a;
  a.task.task_id = "t1";
  a.task.doc_id = "d1";
  t.DeadLettered(Dlq(kafka::kAnswers, envelope::Encode(a), "filter: bad"));
  t.DeadLettered(
      Dlq(kafka::kDataset,
          envelope::Encode(Sample("d1", "t2", envelope::Decision::kAccept), "lf.dataset/v1"),
          "document missing"));
  EXPECT_TRUE(t.AllEnded());
  EXPECT_EQ(t.Summary().tasks_dead_lettered, 2u);
}

TEST(RunTracker, UnparseableDeadLetterIsOnlyANote) {
  RunTracker t;
  t.Submitted("d1");
  t.DeadLettered(Dlq(kafka::kDocuments, "\x01garbage", "not JSON"));
  const auto s = t.Summary();
  EXPECT_EQ(s.dlq_records, 1u);
  EXPECT_EQ(s.documents_ended, 0u);
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].find("not JSON"), std::string::npos);
}

TEST(RunTracker, DeadLetterWithAMistypedTaskIsOnlyANote) {
  RunTracker t;
  t.Submitted("d1");
  t.Ledger({"d1", {"t1"}, {}});
  t.DeadLettered(Dlq(kafka::kAnswers,
                     R"({"schema":"lf.answers/v1","task":{"task_id":5,"doc_id":"d1"}})",
                     "malformed"));
  t.DeadLettered(Dlq(kafka::kRelevanceRequests, R"({"tasks":[]})", "no tasks"));
  const auto s = t.Summary();
  EXPECT_EQ(s.dlq_records, 2u);
  EXPECT_EQ(s.tasks_dead_lettered, 0u);
  EXPECT_FALSE(t.AllEnded());
  ASSERT_EQ(s.notes.size(), 2u);
  // The note says what was wrong with the payload as well as the worker's reason.
  EXPECT_NE(s.notes[0].find("task_id"), std::string::npos) << s.notes[0];
  EXPECT_NE(s.notes[0].find("malformed"), std::string::npos) << s.notes[0];
  EXPECT_NE(s.notes[1].find("no tasks"), std::string::npos) << s.notes[1];
}

TEST(RunTracker, WaitForRoomReturnsWhenADocumentEnds) {
  RunTracker t;
  t.Submitted("d1");
  t.Submitted("d2");
  std::atomic<bool> stop{false};
  auto waiting = std::async(std::launch::async, [&] { t.WaitForRoom(2, stop); });
  EXPECT_EQ(waiting.wait_for(150ms), std::future_status::timeout) << "returned with no room";
  t.Ledger({"d1", {}, {}});
  EXPECT_EQ(waiting.wait_for(2s), std::future_status::ready);
}

TEST(RunTracker, WaitForRoomReturnsAtOnceWithRoomOrOnStop) {
  RunTracker t;
  std::atomic<bool> stop{false};
  t.WaitForRoom(1, stop);  // nothing open: returns
  t.Submitted("d1");
  auto waiting = std::async(std::launch::async, [&] { t.WaitForRoom(1, stop); });
  EXPECT_EQ(waiting.wait_for(150ms), std::future_status::timeout);
  stop = true;
  EXPECT_EQ(waiting.wait_for(2s), std::future_status::ready);
}

}  // namespace
}  // namespace longforge::app
