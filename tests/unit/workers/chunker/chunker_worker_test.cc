#include "workers/chunker/chunker_worker.h"

#include <gtest/gtest.h>

#include <string>

#include "longforge/envelope/chunk_table.h"
#include "longforge/envelope/messages.h"
#include "longforge/kafka/topics.h"
#include "longforge/store/accept_document.h"
#include "support/temp_store.h"

namespace longforge::workers {
namespace {

// About 60 estimator tokens per paragraph: several 64-token chunks.
std::string Book() {
  std::string text;
  for (int p = 0; p < 6; ++p) {
    text += "Paragraph " + std::to_string(p) +
            " tells of ships and whales and the long voyage across the grey sea. "
            "The crew worked hard every day.\n\n";
  }
  return text;
}

class ChunkerWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    counter_ = text::MakeEstimator();
    ChunkerOptions options;
    options.chunk_tokens = 64;
    ASSERT_TRUE(options.Validate().empty());
    worker_ = std::make_unique<ChunkerWorker>(options, *store_, *counter_, nullptr);
  }

  Result<kafka::Outputs> Handle(const std::string& value) {
    return worker_->HandleSync({kafka::kDocuments, 0, 5, "k", value});
  }

  // Checks the one lf.chunked output against the stored text and chunk table.
  envelope::ChunkedEvent ExpectChunked(const Result<kafka::Outputs>& out, const std::string& text) {
    EXPECT_TRUE(out.ok()) << out.error().message;
    if (!out.ok()) return {};
    EXPECT_EQ(out->size(), 1u);
    const auto& msg = out->at(0);
    EXPECT_EQ(msg.topic, kafka::kChunked);
    auto ev = envelope::DecodeChunkedEvent(msg.value);
    EXPECT_TRUE(ev.ok()) << ev.error().message;
    if (!ev.ok()) return {};
    EXPECT_EQ(msg.key, ev->doc_id);
    EXPECT_EQ(ev->bytes, text.size());
    EXPECT_EQ(ev->tokenizer, counter_->Name());
    EXPECT_EQ(store_->Get(store::DocumentStore::TextKey(ev->doc_id)).value(), text);

    auto table_bytes = store_->Get(ev->chunks_ref);
    EXPECT_TRUE(table_bytes.ok()) << table_bytes.error().message;
    auto table = envelope::DecodeChunkTable(table_bytes.ok() ? *table_bytes : "");
    EXPECT_TRUE(table.ok());
    if (!table.ok()) return *ev;
    EXPECT_EQ(table->doc_id, ev->doc_id);
    EXPECT_EQ(table->max_tokens, 64u);
    EXPECT_EQ(table->chunks.size(), ev->chunk_count);
    uint64_t pos = 0, tokens = 0;
    for (const auto& c : table->chunks) {
      EXPECT_EQ(c.begin, pos);  // contiguous, in order
      EXPECT_GT(c.end, c.begin);
      EXPECT_LE(c.tokens, 64u);
      EXPECT_EQ(c.tokens, counter_->Count(std::string_view(text).substr(c.begin, c.end - c.begin)));
      pos = c.end;
      tokens += c.tokens;
    }
    EXPECT_EQ(pos, text.size());
    EXPECT_EQ(ev->tokens, tokens);
    return *ev;
  }

  TempDir dir_;
  std::unique_ptr<store::DocumentStore> store_ = OpenTempStore(dir_);
  std::unique_ptr<text::TokenCounter> counter_;
  std::unique_ptr<ChunkerWorker> worker_;
};

TEST_F(ChunkerWorkerTest, ChunksAStoredDocument) {
  const std::string text = Book();
  const std::string id = store::DocumentIdOf(text);
  ASSERT_TRUE(store_->Put(store::DocumentStore::TextKey(id), text).ok());
  envelope::DocumentEvent in;
  in.doc_id = id;
  in.title = "Book";
  in.bytes = text.size();
  in.questions = {{"Who worked hard?", "the crew"}};
  const auto ev = ExpectChunked(Handle(envelope::Encode(in)), text);
  EXPECT_EQ(ev.doc_id, id);
  EXPECT_EQ(ev.title, "Book");
  EXPECT_GT(ev.chunk_count, 2u);
  ASSERT_EQ(ev.questions.size(), 1u);
  EXPECT_EQ(ev.questions[0].answer, "the crew");
}

TEST_F(ChunkerWorkerTest, StoresAndChunksAnInlineDocument) {
  envelope::DocumentEvent in;
  in.text = "Cafe\xCC\x81 society.\n\n" + Book();  // NFD: stored as NFC
  in.source = "kafka";
  const std::string nfc = "Caf\xC3\xA9 society.\n\n" + Book();
  const auto ev = ExpectChunked(Handle(envelope::Encode(in)), nfc);
  EXPECT_EQ(ev.doc_id, store::DocumentIdOf(nfc));
}

TEST_F(ChunkerWorkerTest, InlineDocumentKeepsTheSubmittersId) {
  envelope::DocumentEvent in;
  in.doc_id = "my-doc-1";
  in.text = "Short text.";
  const auto ev = ExpectChunked(Handle(envelope::Encode(in)), "Short text.");
  EXPECT_EQ(ev.doc_id, "my-doc-1");
  EXPECT_EQ(ev.chunk_count, 1u);
}

// An inline id follows ingest's rule (store::AcceptDocument): one with path characters is
// made safe, never used as a path.
TEST_F(ChunkerWorkerTest, InlineIdsFollowTheIngestRule) {
  envelope::DocumentEvent in;
  in.doc_id = "../escape";
  in.text = "Short text.";
  const auto ev = ExpectChunked(Handle(envelope::Encode(in)), "Short text.");
  EXPECT_EQ(ev.doc_id, store::DocumentIdFrom("../escape"));
  EXPECT_EQ(ev.doc_id.find('/'), std::string::npos);
}

TEST_F(ChunkerWorkerTest, ChunkingTwiceGivesTheSameOutput) {
  envelope::DocumentEvent in;
  in.text = Book();
  auto a = Handle(envelope::Encode(in));
  auto b = Handle(envelope::Encode(in));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->at(0).value, b->at(0).value);
}

TEST_F(ChunkerWorkerTest, BadMessagesAreDeadLetters) {
  envelope::DocumentEvent missing;
  missing.doc_id = "0123456789abcdef0123456789abcdef";
  envelope::DocumentEvent binary;
  binary.text = std::string("abc\0def", 7);
  envelope::DocumentEvent blank;
  blank.text = "   \n ";
  envelope::DocumentEvent taken_id;  // names another text already in the store
  taken_id.doc_id = "my-doc-1";
  taken_id.text = "Another text.";
  envelope::DocumentEvent first = taken_id;
  first.text = "Short text.";
  ASSERT_TRUE(Handle(envelope::Encode(first)).ok());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not valid JSON"},
      {envelope::Encode(envelope::TaskLedger{"d", {}, {}}), "lf.tasks/v1"},
      {envelope::Encode(missing), store_->PathOf(store::DocumentStore::TextKey(missing.doc_id))},
      {envelope::Encode(binary), "lf.documents[0]@5: NUL byte at offset 3"},
      {envelope::Encode(blank), "only whitespace"},
      {envelope::Encode(taken_id), "\"my-doc-1\" already names a different text"},
      // As a plain Kafka client might send them: no fields, a field of the wrong type, a
      // path for a document id, nesting deeper than anyone writes.
      {R"({"schema":"lf.documents/v1"})", "needs \"doc_id\" (stored text) or \"text\""},
      {R"({"schema":"lf.documents/v1","text":5})", "field \"text\""},
      {R"({"schema":"lf.documents/v1","questions":"Q?","text":"t"})", "field \"questions\""},
      {R"({"schema":"lf.documents/v1","doc_id":"../../etc/passwd"})",
       "invalid key \"../../etc/passwd.txt\""},
      {std::string(100000, '[') + std::string(100000, ']'), "lf.documents/v1: not"},
  };
  for (const auto& [value, needle] : cases) {
    SCOPED_TRACE(value);
    auto r = Handle(value);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  }
}

TEST(ChunkerOptions, ValidateBoundsTheBudget) {
  ChunkerOptions o;
  EXPECT_TRUE(o.Validate().empty());
  o.chunk_tokens = 8;
  o.max_document_bytes = 0;
  EXPECT_EQ(o.Validate().size(), 2u);
}

}  // namespace
}  // namespace longforge::workers
