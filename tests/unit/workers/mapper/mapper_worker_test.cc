#include "workers/mapper/mapper_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>

#include "longforge/envelope/chunk_table.h"
#include "longforge/envelope/document_map.h"
#include "longforge/kafka/topics.h"
#include "longforge/store/document_text.h"
#include "support/temp_store.h"
#include "workers/chunker/chunker_worker.h"

namespace longforge::workers {
namespace {

// Writes "card <index>" for every chunk, or fails the chunk numbered `fail_at`.
class CountingWriter final : public CardWriter {
 public:
  explicit CountingWriter(std::optional<uint32_t> fail_at = std::nullopt) : fail_at_(fail_at) {}
  std::string Name() const override { return "counting"; }
  void Write(uint32_t index, std::string chunk, Callback done) override {
    ++calls;
    if (fail_at_ == index) return done(Error::Retry("server overloaded"), {});
    envelope::Card card;
    card.gist = "card " + std::to_string(index) + " of " + std::to_string(chunk.size()) + " bytes";
    done(card, {});
  }
  std::atomic<int> calls = 0;

 private:
  std::optional<uint32_t> fail_at_;
};

class MapperWorkerTest : public ::testing::Test {
 protected:
  // A stored document, chunked by the chunker into several 64-token chunks: its
  // lf.chunked message.
  std::string Chunked() {
    std::string text;
    for (int p = 0; p < 8; ++p) {
      text += "Paragraph " + std::to_string(p) +
              " tells of ships and whales and the long voyage across the grey sea. "
              "The crew worked hard every day.\n\n";
    }
    const std::string id = store::DocumentIdOf(text);
    EXPECT_TRUE(store_->Put(store::DocumentStore::TextKey(id), text).ok());
    envelope::DocumentEvent doc;
    doc.doc_id = id;
    doc.bytes = text.size();
    ChunkerOptions options;
    options.chunk_tokens = 64;
    ChunkerWorker chunker(options, *store_, *counter_, nullptr);
    auto out = chunker.HandleSync({kafka::kDocuments, 0, 0, id, envelope::Encode(doc)});
    EXPECT_TRUE(out.ok());
    return out.ok() ? out.value()[0].value : "";
  }
  Result<kafka::Outputs> Handle(MapperWorker& worker, const std::string& value) {
    std::optional<Result<kafka::Outputs>> out;
    worker.Handle({kafka::kChunked, 0, 0, "k", value},
                  [&](Result<kafka::Outputs> r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value()) << "a synchronous writer finishes at once";
    return out.has_value() ? std::move(*out) : Error::Stop("not finished");
  }

  TempDir dir_;
  std::unique_ptr<store::DocumentStore> store_ = OpenTempStore(dir_);
  std::unique_ptr<text::TokenCounter> counter_ = text::MakeEstimator();
};

TEST_F(MapperWorkerTest, WritesOneCardPerChunkAndPassesTheDocumentOnWithTheMapsKey) {
  const std::string chunked = Chunked();
  const auto in = envelope::DecodeChunkedEvent(chunked);
  ASSERT_TRUE(in.ok());
  ASSERT_GT(in->chunk_count, 2u);
  CountingWriter writer;
  MapperWorker worker(*store_, writer);
  auto out = Handle(worker, chunked);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].topic, kafka::kMapped);
  EXPECT_EQ((*out)[0].key, in->doc_id);
  const auto mapped = envelope::DecodeMappedEvent((*out)[0].value);
  ASSERT_TRUE(mapped.ok()) << mapped.error().message;
  EXPECT_EQ(mapped->doc.chunks_ref, in->chunks_ref);
  EXPECT_EQ(mapped->doc.chunk_count, in->chunk_count);
  EXPECT_EQ(mapped->mapper, "counting");
  EXPECT_EQ(mapped->map_ref, MapperWorker::MapKey(in->doc_id, in->chunks_ref, "counting"));
  const auto map = envelope::DecodeDocumentMap(store_->Get(mapped->map_ref).value());
  ASSERT_TRUE(map.ok()) << map.error().message;
  ASSERT_EQ(map->cards.size(), in->chunk_count);
  EXPECT_EQ(map->mapper, "counting");
  for (uint32_t i = 0; i < map->cards.size(); ++i) {
    EXPECT_EQ(map->cards[i].chunk, i);
    EXPECT_EQ(map->cards[i].gist.rfind("card " + std::to_string(i) + " of", 0), 0u);
  }
  EXPECT_EQ(writer.calls, static_cast<int>(in->chunk_count));
}

TEST_F(MapperWorkerTest, AStoredMapIsReusedWithoutWritingACard) {
  const std::string chunked = Chunked();
  CountingWriter writer;
  MapperWorker worker(*store_, writer);
  ASSERT_TRUE(Handle(worker, chunked).ok());
  const int calls = writer.calls;
  auto again = Handle(worker, chunked);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(writer.calls, calls);
  // Another writer makes another map.
  CountingWriter other_writer;
  struct Renamed final : CardWriter {
    explicit Renamed(CardWriter& w) : w(w) {}
    std::string Name() const override { return "another"; }
    void Write(uint32_t i, std::string c, Callback d) override {
      w.Write(i, std::move(c), std::move(d));
    }
    CardWriter& w;
  } renamed(other_writer);
  MapperWorker other(*store_, renamed);
  ASSERT_TRUE(Handle(other, chunked).ok());
  EXPECT_EQ(other_writer.calls, calls);
}

TEST_F(MapperWorkerTest, ACardThatCannotBeWrittenFailsTheDocumentNamingTheChunkAndStoresNothing) {
  const std::string chunked = Chunked();
  CountingWriter writer(1);
  MapperWorker worker(*store_, writer);
  auto out = Handle(worker, chunked);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().disposition, Disposition::kRetry);
  EXPECT_NE(out.error().message.find("the card of chunk 1 of"), std::string::npos)
      << out.error().message;
  const auto in = envelope::DecodeChunkedEvent(chunked);
  EXPECT_FALSE(store_->Contains(MapperWorker::MapKey(in->doc_id, in->chunks_ref, "counting")));
}

TEST_F(MapperWorkerTest, ByDefaultOnlyDocumentsWithoutSuppliedQuestionsAreMapped) {
  auto in = envelope::DecodeChunkedEvent(Chunked());
  ASSERT_TRUE(in.ok());
  in->questions.push_back({"Who sailed?", std::nullopt});
  const std::string with_questions = envelope::Encode(in.value());
  CountingWriter writer;
  MapperWorker automatic(*store_, writer);
  auto out = Handle(automatic, with_questions);
  ASSERT_TRUE(out.ok());
  auto mapped = envelope::DecodeMappedEvent((*out)[0].value);
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->map_ref, "");
  EXPECT_EQ(mapped->mapper, kNotMapped);
  EXPECT_EQ(mapped->doc.questions.size(), 1u);
  EXPECT_EQ(writer.calls, 0);

  MapperWorker always(*store_, writer, nullptr, {MapperOptions::Mode::kAlways});
  out = Handle(always, with_questions);
  ASSERT_TRUE(out.ok());
  EXPECT_NE(envelope::DecodeMappedEvent((*out)[0].value)->map_ref, "");
  EXPECT_GT(writer.calls, 0);

  const int calls = writer.calls;
  in->questions.clear();
  MapperWorker never(*store_, writer, nullptr, {MapperOptions::Mode::kNever});
  out = Handle(never, envelope::Encode(in.value()));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(envelope::DecodeMappedEvent((*out)[0].value)->map_ref, "");
  EXPECT_EQ(writer.calls, calls);
}

TEST_F(MapperWorkerTest, BadMessagesAreDeadLettered) {
  CountingWriter writer;
  MapperWorker worker(*store_, writer);
  auto garbage = Handle(worker, "not json");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().disposition, Disposition::kDeadLetter);
  envelope::ChunkedEvent missing;
  missing.doc_id = "nope";
  missing.chunk_count = 1;
  missing.chunks_ref = "nope.chunks-x.json";
  auto absent = Handle(worker, envelope::Encode(missing));
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(writer.calls, 0);
}

TEST(DocumentMap, RoundTripsAndRefusesCardsOutOfOrder) {
  envelope::DocumentMap map{"doc", "doc.chunks-1.json", "llm m", {}};
  envelope::Card a;
  a.gist = "A.";
  a.people = {"Pierre"};
  envelope::Card b;
  b.chunk = 1;
  b.gist = "B.";
  b.events = {"He leaves."};
  map.cards = {a, b};
  auto back = envelope::DecodeDocumentMap(envelope::Encode(map));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value(), map);
  map.cards[1].chunk = 5;
  auto bad = envelope::DecodeDocumentMap(envelope::Encode(map));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("card 1 is numbered 5"), std::string::npos);
  EXPECT_FALSE(envelope::DecodeDocumentMap("[1]").ok());
}

}  // namespace
}  // namespace longforge::workers
