#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <regex>
#include <set>

#include "longforge/envelope/chunk_table.h"
#include "longforge/envelope/document_map.h"
#include "longforge/kafka/topics.h"
#include "support/llm_test_util.h"
#include "support/temp_store.h"
#include "unit/workers/questioner/fan_out_harness.h"
#include "workers/questioner/extractive_generator.h"
#include "workers/questioner/llm_generator.h"
#include "workers/questioner/questioner_worker.h"

namespace longforge::workers {
namespace {

using testing::FakeLlmServer;
using testing::FakeReply;
using testing::FakeRequest;

constexpr const char* kDoc = "fedcba9876543210fedcba9876543210";
const char* const kColours[] = {"red", "green", "blue", "white", "black"};

// Chunk i: "The lighthouse at Harbor i was painted <colour> in 18<i>. …"
std::string ChunkText(uint32_t i) {
  return "The lighthouse at Harbor " + std::to_string(i) + " was painted " + kColours[i % 5] +
         " in " + std::to_string(1800 + i) +
         ". The keeper of the northern island rowed across the bay every morning.\n\n";
}

// Replies as a model would, from the passage(s) in the request.
std::string Reply(const FakeRequest& r) {
  const std::string& user = r.messages.at(1).content;
  static const std::regex kSentence("The lighthouse at Harbor (\\d+) was painted \\w+ in \\d+");
  std::vector<std::smatch> found;
  for (std::sregex_iterator it(user.begin(), user.end(), kSentence), end; it != end; ++it) {
    found.push_back(*it);
  }
  if (found.size() == 2) {
    return "QUESTION: Which lighthouse was painted first, at Harbor " + found[0][1].str() +
           " or at Harbor " + found[1][1].str() + "?\nANSWER: Harbor " + found[0][1].str() +
           "\nQUOTE: " + found[0][0].str() + "\nQUOTE: " + found[1][0].str();
  }
  return "QUESTION: What colour was the lighthouse at Harbor " + found.at(0)[1].str() +
         " painted?\nANSWER: it was painted\nQUOTE: " + found.at(0)[0].str();
}

class QuestionerGenerationTest : public ::testing::Test {
 protected:
  // A stored document of `chunks` chunks, one per ChunkText.
  envelope::ChunkedEvent Document(uint32_t chunks) {
    std::string text;
    envelope::ChunkTable table{kDoc, "estimate", 1000, {}};
    for (uint32_t i = 0; i < chunks; ++i) {
      const auto begin = text.size();
      text += ChunkText(i);
      table.chunks.push_back({i, begin, text.size(), 30});
    }
    EXPECT_TRUE(store_->Put(store::DocumentStore::TextKey(kDoc), text).ok());
    const std::string ref = std::string(kDoc) + ".chunks-gen.json";
    EXPECT_TRUE(store_->Put(ref, envelope::Encode(table)).ok());
    envelope::ChunkedEvent ev;
    ev.doc_id = kDoc;
    ev.tokens = chunks * 30;
    ev.chunk_count = chunks;
    ev.chunks_ref = ref;
    return ev;
  }

  // Handles `ev` and waits for done; returns the relevance requests' tasks and the ledger.
  Result<kafka::Outputs> Run(QuestionerWorker& worker, const envelope::ChunkedEvent& ev) {
    return RunFanOut(worker, {kafka::kChunked, 0, 0, kDoc, envelope::Encode(ev)}).outputs;
  }

  // The generated tasks by id (from the fan-out) and the ledger.
  std::pair<std::map<std::string, envelope::Task>, envelope::TaskLedger> Split(
      const kafka::Outputs& out) {
    std::map<std::string, envelope::Task> tasks;
    for (std::size_t i = 0; i + 1 < out.size(); ++i) {
      auto req = envelope::DecodeRelevanceRequest(out[i].value);
      for (auto& t : req.value().tasks) tasks[t.task_id] = t;
    }
    return {tasks, envelope::DecodeTaskLedger(out.back().value).value()};
  }

  QuestionerOptions Options(int per_doc, double multi_hop) {
    QuestionerOptions o;
    o.sampling.questions_per_doc = per_doc;
    o.sampling.multi_hop_share = multi_hop;
    return o;
  }

  TempDir dir_;
  std::unique_ptr<store::DocumentStore> store_ = OpenTempStore(dir_);
};

TEST_F(QuestionerGenerationTest, LlmQuestionsRecordTypesSourcesAndFarApartHops) {
  FakeLlmServer server([](const FakeRequest& r) { return FakeReply::Content(Reply(r)); });
  auto client = llm::MakeClient(llm::FastOptions(server));
  LlmGeneratorOptions go;
  go.model = "test-model";
  LlmQuestionGenerator generator(*client, go);
  QuestionerWorker worker(Options(10, 0.3), *store_, &generator);
  const auto ev = Document(40);
  auto out = Run(worker, ev);
  ASSERT_TRUE(out.ok()) << out.error().message;
  const auto [tasks, ledger] = Split(*out);
  ASSERT_EQ(ledger.task_ids.size(), 10u) << ::testing::PrintToString(ledger.notes);
  EXPECT_EQ(tasks.size(), 10u);
  EXPECT_EQ(out->size(), 40u * 10u + 1u);
  const std::set<std::string> types = {"fact", "number", "who", "cause", "comparison", "summary"};
  const auto table = envelope::DecodeChunkTable(store_->Get(ev.chunks_ref).value());
  const uint64_t total = table->chunks.back().end;
  std::size_t hops = 0;
  for (const auto& [id, t] : tasks) {
    EXPECT_EQ(t.origin, envelope::Origin::kGenerated);
    EXPECT_EQ(id, TaskIdOf(kDoc, t.question));
    ASSERT_TRUE(t.reference);
    if (t.type == "multi-hop") {
      ++hops;
      ASSERT_EQ(t.source_chunks.size(), 2u);
      const auto& a = table->chunks[t.source_chunks[0]];
      const auto& b = table->chunks[t.source_chunks[1]];
      EXPECT_GE(b.begin - a.end, total / 5) << t.question;
    } else {
      EXPECT_TRUE(types.contains(t.type)) << t.type;
      EXPECT_EQ(t.source_chunks.size(), 1u);
    }
  }
  EXPECT_EQ(hops, 3u);
  EXPECT_EQ(server.request_count("question"), 10);
  // An lf.chunked message has no map: no questions about the whole document.
  EXPECT_EQ(ledger.notes,
            (std::vector<std::string>{"no questions supplied",
                                      "no document map: no questions about the whole document",
                                      "questions generated by llm:test-model"}));
}

// A mapped document: a share of its questions is about the whole document, half written
// by rule from the map, half by the LLM from briefs of the map's cards.
TEST_F(QuestionerGenerationTest, AMappedDocumentGetsGlobalQuestionsByRuleAndByTheLlm) {
  FakeLlmServer server([](const FakeRequest& r) {
    const std::string& user = r.messages.at(1).content;
    if (user.find("Question type: arc") != std::string::npos) {
      return FakeReply::Content(
          "QUESTION: How does the work of Keeper Ames change over the years?\n"
          "ANSWER: He first rows to Harbor 0 and later keeps every harbour's light.");
    }
    if (user.find("Question type: causal") != std::string::npos) {
      return FakeReply::Content(
          "QUESTION: Why was the lighthouse at Harbor 30 painted?\n"
          "ANSWER: Because the keeper rowed across the bay every morning.");
    }
    return FakeReply::Content(Reply(r));
  });
  auto client = llm::MakeClient(llm::FastOptions(server));
  LlmGeneratorOptions go;
  go.model = "test-model";
  LlmQuestionGenerator generator(*client, go);
  QuestionerOptions options = Options(10, 0.0);
  options.sampling.global_share = 0.6;  // 6 of 10: 3 by rule, 3 by the LLM
  QuestionerWorker worker(options, *store_, &generator);
  const auto chunked = Document(40);
  envelope::DocumentMap map{kDoc, chunked.chunks_ref, "llm test-model", {}};
  for (uint32_t i = 0; i < 40; ++i) {
    envelope::Card card;
    card.chunk = i;
    card.gist = "The lighthouse at Harbor " + std::to_string(i) + " was painted.";
    card.events = {"the keeper of the northern island rowed across the bay to Harbor " +
                   std::to_string(i)};
    card.people = {"Keeper Ames"};
    map.cards.push_back(card);
  }
  const std::string map_ref = std::string(kDoc) + ".map-test.json";
  ASSERT_TRUE(store_->Put(map_ref, envelope::Encode(map)).ok());
  const envelope::MappedEvent ev{chunked, map_ref, "llm test-model"};
  auto out = RunFanOut(worker, {kafka::kMapped, 0, 0, kDoc, envelope::Encode(ev)}).outputs;
  ASSERT_TRUE(out.ok()) << out.error().message;
  const auto [tasks, ledger] = Split(*out);
  std::map<std::string, envelope::Task> by_type;
  for (const auto& [id, t] : tasks) by_type[t.type] = t;
  // The text has no chapters: no count, first_last or compare; those say why.
  for (const char* type : {"arc", "causal", "timeline"}) {
    ASSERT_TRUE(by_type.contains(type)) << type << ": " << ::testing::PrintToString(ledger.notes);
    EXPECT_EQ(by_type[type].scope, envelope::Scope::kGlobal) << type;
    EXPECT_FALSE(by_type[type].source_chunks.empty()) << type;
  }
  EXPECT_EQ(by_type["arc"].question, "How does the work of Keeper Ames change over the years?");
  EXPECT_EQ(by_type["arc"].verifier, "");  // checked by the judge and its notes
  EXPECT_EQ(by_type["timeline"].verifier, "order");
  EXPECT_EQ(tasks.size(), 4u + 3u);  // 4 local, arc, causal, timeline
  // The arc's brief: the cards naming its subject, spread over the document, in order.
  bool arc_request = false;
  for (const auto& r : server.requests()) {
    const std::string& user = r.messages.at(1).content;
    if (user.find("Question type: arc") == std::string::npos) continue;
    arc_request = true;
    EXPECT_NE(user.find("Subject: Keeper Ames"), std::string::npos) << user;
    EXPECT_NE(user.find("[part 1 of 40] The lighthouse at Harbor 0 was painted. Events:"),
              std::string::npos)
        << user;
    EXPECT_NE(user.find("[part 40 of 40]"), std::string::npos) << user;
  }
  EXPECT_TRUE(arc_request);
  EXPECT_EQ(server.request_count("question"), 4 + 2);
  const auto has = [&](const std::string& note) {
    return std::find(ledger.notes.begin(), ledger.notes.end(), note) != ledger.notes.end();
  };
  EXPECT_TRUE(has(
      "6 generated questions asked about the whole document, from its map: 3 by "
      "rule (timeline, count, first_last, aggregate), 3 by the generator (arc, compare, causal)"))
      << ::testing::PrintToString(ledger.notes);
  EXPECT_TRUE(has("1 generated questions skipped: no chapters to compare"))
      << ::testing::PrintToString(ledger.notes);
  EXPECT_TRUE(has("1 generated questions skipped: no chapters to count"));
}

TEST_F(QuestionerGenerationTest, DropsNearDuplicatesAndSkipsTwiceBrokenReplies) {
  FakeLlmServer server([&](const FakeRequest& r) {
    const std::string& user = r.messages.at(1).content;
    if (user.find("Harbor 3 ") != std::string::npos) {
      return FakeReply::Content("no idea");  // always broken
    }
    if (user.find("Harbor 4 ") != std::string::npos && r.messages.size() == 2) {
      return FakeReply::Content("QUESTION: What does the passage say?\nANSWER: x\nQUOTE: x");
    }
    // Chunks 5 and 6 ask a near-duplicate of each other.
    const bool dup =
        user.find("Harbor 5 ") != std::string::npos || user.find("Harbor 6 ") != std::string::npos;
    if (!dup) return FakeReply::Content(Reply(r));
    const std::string tail = user.find("Harbor 6 ") != std::string::npos ? " today" : "";
    return FakeReply::Content(
        "QUESTION: Who rowed across the bay every morning from the northern island" + tail +
        "?\nANSWER: the keeper\nQUOTE: The keeper of the northern island rowed across the bay");
  });
  auto client = llm::MakeClient(llm::FastOptions(server));
  LlmQuestionGenerator generator(*client, {});
  QuestionerWorker worker(Options(8, 0), *store_, &generator);  // one question per chunk
  auto out = Run(worker, Document(8));
  ASSERT_TRUE(out.ok()) << out.error().message;
  const auto [tasks, ledger] = Split(*out);
  EXPECT_EQ(ledger.task_ids.size(), 6u);               // 8 − broken (3) − near-duplicate (6)
  EXPECT_EQ(server.request_count("question"), 8 + 2);  // 3 and 4 asked twice
  const std::set<std::string> notes(ledger.notes.begin(), ledger.notes.end());
  EXPECT_TRUE(notes.contains("1 generated questions skipped: broken reply"))
      << ::testing::PrintToString(ledger.notes);
  EXPECT_TRUE(notes.contains("1 near-duplicate generated questions dropped"));
  EXPECT_TRUE(notes.contains("asked for 8 generated questions, generated 6"));
}

TEST_F(QuestionerGenerationTest, AContaminatedGeneratedQuestionIsRejectedUnanswered) {
  FakeLlmServer server([&](const FakeRequest& r) { return FakeReply::Content(Reply(r)); });
  auto client = llm::MakeClient(llm::FastOptions(server));
  LlmQuestionGenerator generator(*client, {});
  BenchmarkIndex benchmark(0.7);
  benchmark.Add("bench.txt:3", "What colour was the lighthouse at Harbor 2 painted?");
  benchmark.Seal();
  QuestionerWorker worker(Options(4, 0), *store_, &generator, nullptr, nullptr, &benchmark);
  auto out = Run(worker, Document(4));  // one question per chunk
  ASSERT_TRUE(out.ok()) << out.error().message;
  std::set<std::string> asked, rejected, ledger;
  for (const auto& m : *out) {
    if (m.topic == kafka::kRelevanceRequests) {
      const auto request = envelope::DecodeRelevanceRequest(m.value).value();
      for (const auto& t : request.tasks) asked.insert(t.question);
    } else if (m.topic == kafka::kRejected) {
      const auto sample = envelope::DecodeSampleRecord(m.value).value();
      EXPECT_EQ(sample.record.task.origin, envelope::Origin::kGenerated);
      EXPECT_EQ(sample.verdict.reasons, std::vector<std::string>{"contaminated"});
      ASSERT_TRUE(sample.verdict.contamination.has_value());
      EXPECT_EQ(sample.verdict.contamination->source, "bench.txt:3");
      EXPECT_EQ(sample.verdict.contamination->method, "whole");
      rejected.insert(sample.record.task.question);
    } else if (m.topic == kafka::kTasks) {
      const auto l = envelope::DecodeTaskLedger(m.value).value();
      ledger.insert(l.task_ids.begin(), l.task_ids.end());
    }
  }
  EXPECT_EQ(rejected, std::set<std::string>{"What colour was the lighthouse at Harbor 2 painted?"});
  EXPECT_EQ(asked.size(), 3u) << ::testing::PrintToString(asked);
  EXPECT_FALSE(asked.contains("What colour was the lighthouse at Harbor 2 painted?"));
  EXPECT_EQ(ledger.size(), 4u);  // the rejected task too
}

TEST_F(QuestionerGenerationTest, ShortDocumentsYieldFewerQuestionsWithANote) {
  ExtractiveQuestionGenerator generator;
  QuestionerWorker worker(Options(5, 0), *store_, &generator);
  auto out = Run(worker, Document(2));
  ASSERT_TRUE(out.ok()) << out.error().message;
  const auto [tasks, ledger] = Split(*out);
  EXPECT_EQ(ledger.task_ids.size(), 2u);
  const std::set<std::string> notes(ledger.notes.begin(), ledger.notes.end());
  EXPECT_TRUE(notes.contains("asked for 5 generated questions, generated 2"))
      << ::testing::PrintToString(ledger.notes);
  EXPECT_TRUE(notes.contains("3 generated questions skipped: document too short"));
  EXPECT_TRUE(notes.contains("questions generated by extractive (no LLM)"));
  for (const auto& [id, t] : tasks) {
    EXPECT_EQ(t.origin, envelope::Origin::kGenerated);
    EXPECT_EQ(t.source_chunks.size(), 1u);
    EXPECT_NE(ChunkText(t.source_chunks[0]).find(*t.reference), std::string::npos);
  }
}

TEST_F(QuestionerGenerationTest, AutoCountAsksOnlyDocumentsWithoutSuppliedQuestions) {
  ExtractiveQuestionGenerator generator;
  QuestionerWorker worker({}, *store_, &generator);
  auto ev = Document(4);
  EXPECT_EQ(worker.GeneratedCount(ev), 1u);
  ev.tokens = 120'000;
  EXPECT_EQ(worker.GeneratedCount(ev), 3u);
  ev.questions.push_back({"Who kept the lighthouse?", std::nullopt});
  EXPECT_EQ(worker.GeneratedCount(ev), 0u);
  QuestionerWorker fixed(Options(2, 0), *store_, &generator);
  EXPECT_EQ(fixed.GeneratedCount(ev), 2u);
  QuestionerWorker none(Options(2, 0), *store_);
  EXPECT_EQ(none.GeneratedCount(ev), 0u);
}

TEST_F(QuestionerGenerationTest, LlmFailuresRetryTheWholeMessage) {
  class Failing final : public llm::ChatClient {
    void Submit(llm::ChatRequest, Callback cb) override { cb(Error::Retry("server down")); }
  } client;
  LlmQuestionGenerator generator(client, {});
  QuestionerWorker worker(Options(3, 0), *store_, &generator);
  auto out = Run(worker, Document(6));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().disposition, Disposition::kRetry);
}

}  // namespace
}  // namespace longforge::workers
