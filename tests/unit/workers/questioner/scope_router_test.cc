// Which questions need the whole document: the rule, the route call, and the
// questioner giving every supplied task its scope (or the one --scope names).

#include "workers/questioner/scope_router.h"

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "longforge/envelope/chunk_table.h"
#include "longforge/kafka/topics.h"
#include "longforge/llm/http_chat_client.h"
#include "support/fake_llm_server.h"
#include "support/temp_store.h"
#include "unit/workers/questioner/fan_out_harness.h"
#include "workers/questioner/questioner_worker.h"

namespace longforge::workers {
namespace {

using envelope::Scope;

TEST(ScopeByRule, GlobalQuestionsNameChangeOrderCountsOrTheWholeWork) {
  for (const char* q : {
           "How does Pierre change over the novel?",
           "How did Natasha's feelings for Andrei develop across the book?",
           "In what order do the three battles happen?",
           "How many times does Ahab mention the white whale?",
           "In how many chapters does Queequeg appear?",
           "In which chapter does Stubb first appear?",
           "Summarize the whole novel in five sentences.",
           "What happens to the Pequod over the course of the voyage?",
           "Throughout the report, which revenue figures are given?",
           "宝玉的性格在全书中有什么变化？",
           "林黛玉一共哭了几次？",
           "这几件事发生的先后顺序是什么？",
           "刘备首次出场是在哪一回？",
       }) {
    EXPECT_EQ(ScopeByRule(q), Scope::kGlobal) << q;
  }
  for (const char* q : {
           "What was the secret ingredient of the lighthouse keeper's soup?",
           "Who killed Hector?",
           "What colour was the door of the inn?",
           "How many guns did the battery have?",  // a count stated in one place
           "Where did Ishmael meet Queequeg?",
           "贾宝玉住在哪里？",
           "诸葛亮在赤壁之战中借了什么？",
       }) {
    EXPECT_EQ(ScopeByRule(q), Scope::kLocal) << q;
  }
  // Case and width do not matter.
  EXPECT_EQ(ScopeByRule("HOW DOES PIERRE CHANGE OVER THE NOVEL?"), Scope::kGlobal);
  EXPECT_EQ(ScopeByRule("ＨＯＷ ＭＡＮＹ ＴＩＭＥＳ did he laugh?"), Scope::kGlobal);
}

TEST(ParseRouteReply, TheFirstWordDecides) {
  EXPECT_EQ(ParseRouteReply("GLOBAL"), Scope::kGlobal);
  EXPECT_EQ(ParseRouteReply(" local."), Scope::kLocal);
  EXPECT_EQ(ParseRouteReply("**Global** — it needs the whole book"), Scope::kGlobal);
  EXPECT_EQ(ParseRouteReply("I think it is local"), std::nullopt);
  EXPECT_EQ(ParseRouteReply(""), std::nullopt);
}

struct RouteRig {
  explicit RouteRig(testing::FakeLlmServer::Handler handler) : server(std::move(handler)) {
    llm::HttpChatClientOptions o;
    o.base_url = server.base_url();
    o.model = "fake-model";
    o.max_attempts = 1;
    client = std::move(llm::HttpChatClient::Create(o).value());
    router = MakeLlmScopeRouter(*client, "fake-model");
  }
  RouteOutcome Route(const std::string& question) {
    std::promise<RouteOutcome> p;
    router->Route(question, [&](RouteOutcome r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }
  testing::FakeLlmServer server;
  std::unique_ptr<llm::ChatClient> client;
  std::unique_ptr<ScopeRouter> router;
};

TEST(LlmScopeRouter, TheModelDecidesAndAFailureFallsBackToTheRuleSayingSo) {
  std::string reply = "GLOBAL";
  int status = 200;
  RouteRig rig([&](const testing::FakeRequest& r) {
    EXPECT_EQ(r.stage, "route");
    return status == 200 ? testing::FakeReply::Content(reply) : testing::FakeReply::Status(status);
  });
  // The model overrules the rule both ways.
  auto out = rig.Route("Who killed Hector?");
  EXPECT_EQ(out.scope, Scope::kGlobal);
  EXPECT_TRUE(out.fallback.empty());
  EXPECT_EQ(out.usage.calls, 1u);
  reply = "LOCAL";
  EXPECT_EQ(rig.Route("How does Pierre change over the novel?").scope, Scope::kLocal);
  // A reply that names no scope: the rule, and why.
  reply = "It depends.";
  out = rig.Route("How does Pierre change over the novel?");
  EXPECT_EQ(out.scope, Scope::kGlobal);
  EXPECT_NE(out.fallback.find("named no scope"), std::string::npos) << out.fallback;
  // A failed call: the rule, and why.
  status = 400;
  out = rig.Route("Who killed Hector?");
  EXPECT_EQ(out.scope, Scope::kLocal);
  EXPECT_NE(out.fallback.find("route call failed"), std::string::npos) << out.fallback;
}

class ScopedQuestionerTest : public ::testing::Test {
 protected:
  envelope::ChunkedEvent Document(std::vector<std::string> questions) {
    envelope::ChunkTable table{kDoc, "estimate", 1000, {}};
    for (uint32_t i = 0; i < 2; ++i) table.chunks.push_back({i, i * 100u, i * 100u + 100, 30});
    const std::string ref = std::string(kDoc) + ".chunks-test.json";
    EXPECT_TRUE(store_->Put(ref, envelope::Encode(table)).ok());
    envelope::ChunkedEvent ev;
    ev.doc_id = kDoc;
    ev.chunk_count = 2;
    ev.chunks_ref = ref;
    for (auto& q : questions) ev.questions.push_back({std::move(q), std::nullopt});
    return ev;
  }
  // The scope of each task, by question, and the ledger's notes.
  std::map<std::string, Scope> Scopes(QuestionerWorker& worker, const envelope::ChunkedEvent& ev,
                                      std::vector<std::string>* notes = nullptr) {
    auto run = RunFanOut(worker, {kafka::kChunked, 0, 0, kDoc, envelope::Encode(ev)});
    EXPECT_TRUE(run.outputs.ok()) << run.outputs.error().message;
    std::map<std::string, Scope> scopes;
    if (!run.outputs.ok()) return scopes;
    for (const auto& out : run.outputs.value()) {
      if (out.topic == kafka::kTasks) {
        auto ledger = envelope::DecodeTaskLedger(out.value);
        if (ledger.ok() && notes != nullptr) *notes = ledger->notes;
        continue;
      }
      auto request = envelope::DecodeRelevanceRequest(out.value);
      EXPECT_TRUE(request.ok());
      for (const auto& t : request->tasks) scopes[t.question] = t.scope;
    }
    return scopes;
  }

  static constexpr const char* kDoc = "0123456789abcdef0123456789abcdef";
  TempDir dir_;
  std::unique_ptr<store::DocumentStore> store_ = OpenTempStore(dir_);
};

TEST_F(ScopedQuestionerTest, SuppliedQuestionsAreRoutedByTheRuleWithoutAnLlm) {
  auto router = MakeRuleScopeRouter();
  QuestionerWorker worker({}, *store_, nullptr, nullptr, router.get());
  const auto scopes =
      Scopes(worker, Document({"How does Pierre change over the novel?", "Who killed Hector?"}));
  EXPECT_EQ(scopes.at("How does Pierre change over the novel?"), Scope::kGlobal);
  EXPECT_EQ(scopes.at("Who killed Hector?"), Scope::kLocal);
}

TEST_F(ScopedQuestionerTest, ScopeFlagOverridesTheRouterAndNoCallIsMade) {
  RouteRig rig([](const testing::FakeRequest&) { return testing::FakeReply::Content("LOCAL"); });
  QuestionerOptions options;
  options.scope = Scope::kGlobal;
  QuestionerWorker worker(options, *store_, nullptr, nullptr, rig.router.get());
  const auto scopes = Scopes(worker, Document({"Who killed Hector?"}));
  EXPECT_EQ(scopes.at("Who killed Hector?"), Scope::kGlobal);
  EXPECT_EQ(rig.server.request_count("route"), 0);
}

TEST_F(ScopedQuestionerTest, TheRouteCallDecidesAndItsFailuresAreNotedInTheLedger) {
  RouteRig rig([](const testing::FakeRequest& r) {
    const std::string& q = r.messages.back().content;
    if (q.find("Hector") != std::string::npos) return testing::FakeReply::Content("GLOBAL");
    return testing::FakeReply::Status(400);
  });
  QuestionerWorker worker({}, *store_, nullptr, nullptr, rig.router.get());
  std::vector<std::string> notes;
  const auto scopes = Scopes(
      worker, Document({"Who killed Hector?", "How does Pierre change over the novel?"}), &notes);
  EXPECT_EQ(scopes.at("Who killed Hector?"), Scope::kGlobal) << "the model's word";
  EXPECT_EQ(scopes.at("How does Pierre change over the novel?"), Scope::kGlobal) << "the rule's";
  EXPECT_EQ(rig.server.request_count("route"), 2);
  bool noted = false;
  for (const auto& n : notes) noted |= n.find("1 supplied questions scoped by rule") == 0;
  EXPECT_TRUE(noted) << ::testing::PrintToString(notes);
}

}  // namespace
}  // namespace longforge::workers
