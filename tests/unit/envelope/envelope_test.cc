#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "longforge/envelope/chunk_table.h"
#include "longforge/envelope/messages.h"
#include "longforge/kafka/dead_letter.h"
#include "unit/envelope/schema_check.h"

namespace longforge::envelope {
namespace {

// A task using every field, so that a field the decoder forgets shows up.
Task FullTask(std::string id = "0123456789abcdef0123456789abcdef") {
  Task t;
  t.task_id = std::move(id);
  t.doc_id = "fedcba9876543210fedcba9876543210";
  t.question = "Which vehicle was invented in the same century as the Fifth Symphony?";
  t.reference = "the bicycle";
  t.origin = Origin::kGenerated;
  t.type = "multi-hop";
  t.source_chunks = {3, 17};
  t.level = 3;
  t.parent_task_id = "00000000000000000000000000000001";
  t.memory = {{"When was the Fifth Symphony written?", "1804-1808"}};
  return t;
}

// The same task with only the required fields set.
Task PlainTask() {
  Task t;
  t.task_id = "11111111111111111111111111111111";
  t.doc_id = "fedcba9876543210fedcba9876543210";
  t.question = "Who wrote it?";
  return t;
}

DocumentEvent StoredDocument() {
  DocumentEvent m;
  m.doc_id = "fedcba9876543210fedcba9876543210";
  m.title = "War and Peace";
  m.source = "books/war_and_peace.txt";
  m.bytes = 3359372;
  m.questions = {{"Who is Pierre?", "Count Bezukhov's son"}, {"Where is Borodino?", std::nullopt}};
  m.submitted_at = "2024-05-01T12:00:00.000Z";
  return m;
}

DocumentEvent InlineDocument() {
  DocumentEvent m;
  m.source = "kafka";
  m.bytes = 11;
  m.text = "Hello world";
  m.submitted_at = "2024-05-01T12:00:00.000Z";
  return m;
}

ChunkedEvent Chunked() {
  ChunkedEvent m;
  m.doc_id = "fedcba9876543210fedcba9876543210";
  m.title = "War and Peace";
  m.bytes = 3359372;
  m.tokens = 812345;
  m.tokenizer = "estimate";
  m.chunk_count = 813;
  m.chunks_ref = "fedcba9876543210fedcba9876543210.chunks-0123456789ab.json";
  m.questions = {{"Who is Pierre?", "Count Bezukhov's son"}};
  return m;
}

TaskLedger Ledger() {
  return {"fedcba9876543210fedcba9876543210",
          {"0123456789abcdef0123456789abcdef", "11111111111111111111111111111111"},
          {"1 duplicate questions dropped"}};
}

RelevanceRequest Request() {
  RelevanceRequest m;
  m.tasks = {FullTask(), PlainTask()};
  m.chunk = {5, 5000, 6020, 998};
  m.chunk_count = 813;
  return m;
}

RelevanceResult Result(RelevanceVerdict verdict) {
  RelevanceResult m;
  m.task = FullTask();
  m.chunk = {5, 5000, 6020, 998};
  m.chunk_count = 813;
  m.verdict = verdict;
  if (verdict == RelevanceVerdict::kRelevant) m.quotes = {"The bicycle was invented in 1817."};
  if (verdict == RelevanceVerdict::kFailed) m.error = "document store: missing";
  m.dropped_quotes = 1;
  m.backend = "extractive (no LLM)";
  m.usage = {1, 1200, 40, 1};
  return m;
}

AnswerRecord Answer() {
  AnswerRecord m;
  m.task = FullTask();
  m.answer = "The bicycle.";
  m.evidence = {{5000, 6020}, {90000, 91000}};
  m.quotes = {"The bicycle was invented in 1817.", "Beethoven wrote it in 1804."};
  m.chunks_total = 813;
  m.chunks_relevant = 2;
  m.chunks_lost = 1;
  m.backend = "extractive (no LLM)";
  m.usage = {814, 900000, 5000, 12};
  return m;
}

SampleRecord Sample(Decision decision) {
  SampleRecord m;
  m.sample_id = "abababababababababababababababab";
  m.record = Answer();
  m.verdict.decision = decision;
  if (decision != Decision::kAccept) m.verdict.reasons = {"no_evidence", "empty_answer"};
  return m;
}

// A question the questioner rejected unanswered (--decontaminate).
SampleRecord Contaminated() {
  SampleRecord m;
  m.sample_id = "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";
  m.record.task = Answer().task;
  m.verdict.reasons = {"contaminated"};
  m.verdict.contamination = Contamination{"bench.jsonl:7", "Who wrote Hamlet?", "whole"};
  return m;
}

// Encode(Decode(Encode(m))) == Encode(m) catches any field the decoder drops.
template <typename T, typename DecodeFn>
void ExpectRoundTrip(const T& m, DecodeFn decode) {
  const std::string bytes = Encode(m);
  auto back = decode(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << bytes;
  EXPECT_EQ(Encode(*back), bytes);
}

TEST(Envelope, DocumentEventRoundTrips) {
  ExpectRoundTrip(StoredDocument(), DecodeDocumentEvent);
  ExpectRoundTrip(InlineDocument(), DecodeDocumentEvent);
  auto back = DecodeDocumentEvent(Encode(StoredDocument()));
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->text.has_value());
  ASSERT_EQ(back->questions.size(), 2u);
  EXPECT_EQ(back->questions[0].answer, "Count Bezukhov's son");
  EXPECT_FALSE(back->questions[1].answer.has_value());
  EXPECT_EQ(back->bytes, 3359372u);
}

TEST(Envelope, ChunkedEventRoundTrips) {
  ExpectRoundTrip(Chunked(), DecodeChunkedEvent);
  auto back = DecodeChunkedEvent(Encode(Chunked()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->chunk_count, 813u);
  EXPECT_EQ(back->chunks_ref, Chunked().chunks_ref);
}

TEST(Envelope, TaskLedgerRoundTrips) {
  ExpectRoundTrip(Ledger(), DecodeTaskLedger);
  auto back = DecodeTaskLedger(Encode(Ledger()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->task_ids, Ledger().task_ids);
  EXPECT_EQ(back->notes, Ledger().notes);
}

TEST(Envelope, RelevanceRequestRoundTripsEveryTaskField) {
  ExpectRoundTrip(Request(), DecodeRelevanceRequest);
  auto back = DecodeRelevanceRequest(Encode(Request()));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->tasks.size(), 2u);
  const Task& t = back->tasks[0];
  EXPECT_EQ(t.reference, "the bicycle");
  EXPECT_EQ(t.origin, Origin::kGenerated);
  EXPECT_EQ(t.type, "multi-hop");
  EXPECT_EQ(t.source_chunks, (std::vector<uint32_t>{3, 17}));
  EXPECT_EQ(t.level, 3);
  EXPECT_EQ(t.parent_task_id, "00000000000000000000000000000001");
  ASSERT_EQ(t.memory.size(), 1u);
  EXPECT_EQ(t.memory[0].answer, "1804-1808");
  // Defaults survive too.
  EXPECT_FALSE(back->tasks[1].reference.has_value());
  EXPECT_EQ(back->tasks[1].origin, Origin::kSupplied);
  EXPECT_EQ(back->tasks[1].level, 2);
  EXPECT_EQ(back->chunk.end, 6020u);
  EXPECT_EQ(back->chunk.tokens, 998u);
}

TEST(Envelope, AReleaseAndItsCreditRoundTrip) {
  RelevanceRequest released = Request();
  released.release = Release{"9f2c", 1234567};
  ExpectRoundTrip(released, DecodeRelevanceRequest);
  auto back = DecodeRelevanceRequest(Encode(released));
  ASSERT_TRUE(back.ok() && back->release.has_value());
  EXPECT_EQ(back->release->id, "9f2c");
  EXPECT_EQ(back->release->seq, 1234567u);
  EXPECT_FALSE(DecodeRelevanceRequest(Encode(Request()))->release.has_value());

  const RelevanceCredit credit{"war-and-peace", {"9f2c", 41}};
  ExpectRoundTrip(credit, DecodeRelevanceCredit);
  auto c = DecodeRelevanceCredit(Encode(credit));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->doc_id, "war-and-peace");
  EXPECT_EQ(c->release.seq, 41u);

  auto bad = DecodeRelevanceCredit(R"({"schema":"lf.relevance.credits/v1","doc_id":"d"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().disposition, Disposition::kDeadLetter);
  auto bad_seq = DecodeRelevanceCredit(
      R"({"schema":"lf.relevance.credits/v1","doc_id":"d","release":{"id":"r","seq":"x"}})");
  ASSERT_FALSE(bad_seq.ok());
  EXPECT_NE(bad_seq.error().message.find("seq"), std::string::npos) << bad_seq.error().message;
}

TEST(Envelope, ASubQuestionRoundTripsAndNeedsItsDocumentAndChunkTable) {
  SubQuestion sub{Request().tasks[0]};
  sub.task.chunks_ref = "doc.chunks-1.json";
  ExpectRoundTrip(sub, DecodeSubQuestion);
  auto back = DecodeSubQuestion(Encode(sub));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->task.parent_task_id, sub.task.parent_task_id);
  EXPECT_EQ(back->task.memory.size(), 1u);
  sub.task.chunks_ref.clear();
  auto bad = DecodeSubQuestion(Encode(sub));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("chunks_ref"), std::string::npos) << bad.error().message;
}

TEST(Envelope, RelevanceResultRoundTrips) {
  for (RelevanceVerdict verdict : kRelevanceVerdicts) {
    SCOPED_TRACE(ToString(verdict));
    ExpectRoundTrip(Result(verdict), DecodeRelevanceResult);
  }
  auto back = DecodeRelevanceResult(Encode(Result(RelevanceVerdict::kFailed)));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->error, "document store: missing");
  EXPECT_EQ(back->usage.prompt_tokens, 1200u);
  EXPECT_EQ(back->dropped_quotes, 1u);
}

TEST(Envelope, AnswerRecordRoundTrips) {
  ExpectRoundTrip(Answer(), DecodeAnswerRecord);
  auto back = DecodeAnswerRecord(Encode(Answer()));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->evidence.size(), 2u);
  EXPECT_EQ(back->evidence[1].begin, 90000u);
  EXPECT_EQ(back->chunks_lost, 1u);
  EXPECT_EQ(back->usage.calls, 814u);
}

TEST(Envelope, SampleRecordRoundTripsUnderBothSchemas) {
  for (const char* schema : {"lf.dataset/v1", "lf.rejected/v1"}) {
    SCOPED_TRACE(schema);
    const SampleRecord m =
        Sample(std::string(schema) == "lf.dataset/v1" ? Decision::kAccept : Decision::kReject);
    const std::string bytes = Encode(m, schema);
    auto back = DecodeSampleRecord(bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(Encode(*back, schema), bytes);
    EXPECT_EQ(back->sample_id, m.sample_id);
    EXPECT_EQ(back->verdict.decision, m.verdict.decision);
    EXPECT_EQ(back->verdict.reasons, m.verdict.reasons);
  }
}

TEST(Envelope, AContaminatedRejectionRoundTripsWithItsBenchmarkItem) {
  const SampleRecord m = Contaminated();
  const std::string bytes = Encode(m, "lf.rejected/v1");
  auto back = DecodeSampleRecord(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(Encode(*back, "lf.rejected/v1"), bytes);
  ASSERT_TRUE(back->verdict.contamination.has_value());
  EXPECT_EQ(back->verdict.contamination->source, "bench.jsonl:7");
  EXPECT_EQ(back->verdict.contamination->item, "Who wrote Hamlet?");
  EXPECT_EQ(back->verdict.contamination->method, "whole");
  EXPECT_FALSE(DecodeSampleRecord(Encode(Sample(Decision::kReject), "lf.rejected/v1"))
                   ->verdict.contamination.has_value());
}

TEST(Envelope, ChunkTableRoundTrips) {
  ChunkTable t{"doc", "estimate", 1000, {{0, 0, 10, 4}, {1, 10, 25, 6}}};
  auto back = DecodeChunkTable(Encode(t));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(Encode(*back), Encode(t));
  ASSERT_EQ(back->chunks.size(), 2u);
  EXPECT_EQ(back->chunks[1].index, 1u);
  EXPECT_EQ(back->chunks[1].begin, 10u);
  EXPECT_FALSE(DecodeChunkTable("[]").ok());
  EXPECT_FALSE(
      DecodeChunkTable(R"({"doc_id":"d","tokenizer":"t","max_tokens":1,"chunks":[[1]]})").ok());
}

TEST(Envelope, EncodeReplacesInvalidUtf8InsteadOfThrowing) {
  DocumentEvent m = StoredDocument();
  m.title = "bad \xff title";
  const std::string bytes = Encode(m);
  auto back = DecodeDocumentEvent(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->title, "bad \xEF\xBF\xBD title");  // U+FFFD
}

// Every decode error is a dead letter whose message names what is wrong.
void ExpectDeadLetter(const longforge::Result<ChunkedEvent>& r, const std::string& needle) {
  ASSERT_FALSE(r.ok()) << "decoded although it should not: " << needle;
  EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(r.error().message.find(needle), std::string::npos)
      << "\"" << r.error().message << "\" does not mention " << needle;
}

TEST(EnvelopeDecode, RejectsNonJson) {
  ExpectDeadLetter(DecodeChunkedEvent("{\"schema\": "), "not valid JSON");
  ExpectDeadLetter(DecodeChunkedEvent("\xff\xfe"), "lf.chunked/v1");
}

TEST(EnvelopeDecode, RejectsNonObject) {
  ExpectDeadLetter(DecodeChunkedEvent("[1, 2]"), "not a JSON object");
  ExpectDeadLetter(DecodeChunkedEvent("\"lf.chunked/v1\""), "not a JSON object");
}

TEST(EnvelopeDecode, RejectsMissingSchema) {
  ExpectDeadLetter(DecodeChunkedEvent(R"({"doc_id":"d","chunk_count":1,"chunks_ref":"r"})"),
                   "\"schema\"");
  ExpectDeadLetter(DecodeChunkedEvent(R"({"schema":7,"doc_id":"d"})"), "\"schema\"");
}

TEST(EnvelopeDecode, RejectsWrongSchemaNamingBoth) {
  auto r = DecodeChunkedEvent(Encode(Ledger()));
  ExpectDeadLetter(r, "lf.tasks/v1");
  ExpectDeadLetter(r, "lf.chunked/v1");
  auto s = DecodeSampleRecord(Encode(Answer()));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("lf.answers/v1"), std::string::npos) << s.error().message;
}

TEST(EnvelopeDecode, RejectsMissingRequiredFieldNamingIt) {
  ExpectDeadLetter(DecodeChunkedEvent(R"({"schema":"lf.chunked/v1","doc_id":"d","chunk_count":1})"),
                   "chunks_ref");
  auto t = DecodeTaskLedger(R"({"schema":"lf.tasks/v1","doc_id":"d"})");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("task_ids"), std::string::npos) << t.error().message;
  auto a = DecodeAnswerRecord(R"({"schema":"lf.answers/v1","answer":"x"})");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("task"), std::string::npos) << a.error().message;
}

TEST(EnvelopeDecode, RejectsDocumentWithoutIdOrText) {
  auto r = DecodeDocumentEvent(R"({"schema":"lf.documents/v1","title":"t"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(r.error().message.find("doc_id"), std::string::npos) << r.error().message;
}

TEST(EnvelopeDecode, RejectsRequestWithoutTasks) {
  RelevanceRequest m = Request();
  m.tasks.clear();
  auto r = DecodeRelevanceRequest(Encode(m));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(r.error().message.find("tasks"), std::string::npos) << r.error().message;
}

TEST(EnvelopeDecode, RejectsWrongTypeNamingTheField) {
  const auto r = DecodeChunkedEvent(
      R"({"schema":"lf.chunked/v1","doc_id":"d","chunk_count":"three","chunks_ref":"r"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(r.error().message.find("chunk_count"), std::string::npos) << r.error().message;
}

// --- golden: every encoder's output against its schema ---------------------------

class EnvelopeSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = schema_check::ValidatorUnavailable())
      GTEST_FAIL() << "schema validation: " << *why;
  }
  std::string WriteJsonl(const std::string& name, const std::vector<std::string>& lines) {
    const auto dir = std::filesystem::path(LONGFORGE_BINARY_DIR) / "tests/unit/envelope";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / name).string();
    std::ofstream out(path, std::ios::trunc);
    for (const auto& line : lines) out << line << '\n';
    return path;
  }
};

std::vector<std::string> EveryMessageType() {
  kafka::InMessage binary{"lf.documents", 3, 42, "key", std::string("\x00\xff\xfe text", 8)};
  kafka::InMessage text{"lf.chunked", 0, 7, "\xff\x01", "{\"schema\":\"lf.chunked/v1\"}"};
  return {
      Encode(StoredDocument()),
      Encode(InlineDocument()),
      Encode(Chunked()),
      Encode(Ledger()),
      Encode(Request()),
      Encode(RelevanceRequest{Request().tasks, Request().chunk, 5, Release{"r", 3}}),
      Encode(RelevanceCredit{"doc", {"r", 3}}),
      Encode(SubQuestion{Request().tasks[0]}),
      Encode(Result(RelevanceVerdict::kRelevant)),
      Encode(Result(RelevanceVerdict::kNone)),
      Encode(Result(RelevanceVerdict::kFailed)),
      Encode(Answer()),
      Encode(Sample(Decision::kAccept), "lf.dataset/v1"),
      Encode(Sample(Decision::kReject), "lf.rejected/v1"),
      Encode(Sample(Decision::kReview), "lf.rejected/v1"),
      kafka::EncodeDeadLetter(PipelineStage::kChunker, binary, "lf.documents/v1: not valid JSON"),
      kafka::EncodeDeadLetter(PipelineStage::kQuestioner, text, "missing field"),
      Encode(Contaminated(), "lf.rejected/v1")};
}

TEST_F(EnvelopeSchema, EveryEncodedMessageMatchesItsSchema) {
  const auto lines = EveryMessageType();
  ASSERT_NE(lines[15].find("\"payload_encoding\":\"base64\""), std::string::npos) << lines[15];
  const auto run = schema_check::RunValidator(WriteJsonl("every_message.jsonl", lines));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find(std::to_string(lines.size()) + " lines validated, 0 failed"),
            std::string::npos)
      << run.output;
}

TEST_F(EnvelopeSchema, SchemasRejectWhatEncodersNeverWrite) {
  std::string extra = Encode(Chunked());
  extra.insert(1, "\"surprise\":1,");
  std::string wrong_type = Encode(Ledger());
  wrong_type.replace(wrong_type.find("\"notes\":["), 9, "\"notes\":[1,");
  std::string missing = Encode(Answer());
  missing.replace(missing.find("\"chunks_lost\":1,"), 16, "");
  const std::vector<std::string> lines = {extra, wrong_type, missing,
                                          R"({"schema":"lf.nothing/v1"})", "not json"};
  const auto run = schema_check::RunValidator(WriteJsonl("bad_messages.jsonl", lines));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  for (int line = 1; line <= 5; ++line) {
    EXPECT_NE(run.output.find("bad_messages.jsonl:" + std::to_string(line) + ":"),
              std::string::npos)
        << "line " << line << " not reported:\n"
        << run.output;
  }
  EXPECT_NE(run.output.find("surprise"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("chunks_lost"), std::string::npos) << run.output;
}

TEST(CapQuotes, KeepsTheLeadingQuotesWithinTheBound) {
  std::vector<std::string> quotes = {"aaaa", "bbbb", "cccc"};
  EXPECT_EQ(CapQuotes(quotes, 12), 0u);
  EXPECT_EQ(quotes.size(), 3u);
  EXPECT_EQ(CapQuotes(quotes, 9), 1u);
  EXPECT_EQ(quotes, (std::vector<std::string>{"aaaa", "bbbb"}));
  // One quote longer than the allowance keeps its start, cut between characters.
  std::vector<std::string> long_one = {"\u00e9\u00e9\u00e9", "x"};  // 6 bytes, then 1
  EXPECT_EQ(CapQuotes(long_one, 3), 2u);
  EXPECT_EQ(long_one, std::vector<std::string>{"\u00e9"});
}

}  // namespace
}  // namespace longforge::envelope
