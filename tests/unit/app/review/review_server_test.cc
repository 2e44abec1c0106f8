#include "review/review_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "review_fixture.h"

namespace longforge::review {
namespace {

using nlohmann::json;

struct Served {
  ReviewFixture fixture;
  std::unique_ptr<SampleIndex> index;
  std::unique_ptr<DecisionLog> log;
  std::unique_ptr<ReviewServer> server;
  std::unique_ptr<httplib::Client> client;

  explicit Served(ReviewServerOptions options = {}) {
    std::vector<std::string> warnings;
    index = std::move(SampleIndex::Build(fixture.dir, fixture.store.get(), warnings).value());
    log = std::move(DecisionLog::Open(fixture.dir, true).value());
    options.port = 0;
    auto started = ReviewServer::Start(options, *index, *log, fixture.store.get());
    if (!started) throw std::runtime_error(started.error().message);
    server = std::move(*started);
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
  }

  httplib::Result Post(const std::string& id, const std::string& body,
                       const char* type = "application/json") {
    return client->Post(("/api/samples/" + id + "/decision").c_str(), body, type);
  }
  std::vector<std::string> DecisionLines() const {
    std::ifstream in(fixture.dir + "/decisions.jsonl");
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
};

json Body(const httplib::Result& r) { return json::parse(r->body, nullptr, false); }

// A 4xx with a JSON message containing `what`.
void ExpectError(const httplib::Result& r, int status, const std::string& what) {
  ASSERT_TRUE(r) << "no response";
  EXPECT_EQ(r->status, status) << r->body;
  const json body = Body(r);
  ASSERT_TRUE(body.contains("error")) << r->body;
  EXPECT_NE(body["error"].get<std::string>().find(what), std::string::npos) << r->body;
}

TEST(ReviewServer, ServesTheEmbeddedPageWithItsKeysAndNothingFromElsewhere) {
  Served s;
  const auto r = s.client->Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos);
  for (const char* key : {"<kbd>j</kbd>", "<kbd>a</kbd>", "<kbd>r</kbd>", "<kbd>e</kbd>"}) {
    EXPECT_NE(r->body.find(key), std::string::npos) << key;
  }
  EXPECT_EQ(r->body.find("src=\"http"), std::string::npos);
  EXPECT_EQ(r->body.find("href=\"http"), std::string::npos);
  EXPECT_EQ(r->body.find("@import"), std::string::npos);
}

TEST(ReviewServer, ListsFiltersCountsAndPagesSamples) {
  Served s;
  auto r = s.client->Get("/api/samples?decision=review");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  EXPECT_EQ(body["total"], 1);
  EXPECT_EQ(body["samples"], 5);
  EXPECT_EQ(body["rows"][0]["id"], "s4");
  EXPECT_EQ(body["rows"][0]["reasons"], json::array({"judge_disagrees"}));
  EXPECT_EQ(body["counts"]["decision"]["accept"], 3);
  EXPECT_TRUE(body["rows"][0]["human"].is_null());

  body = Body(s.client->Get("/api/samples?q=kell%20island&limit=1"));
  EXPECT_EQ(body["total"], 1);
  EXPECT_EQ(body["rows"][0]["id"], "s2");

  body = Body(s.client->Get("/api/samples?offset=3&limit=10"));
  EXPECT_EQ(body["total"], 5);
  ASSERT_EQ(body["rows"].size(), 2u);
  EXPECT_EQ(body["rows"][0]["id"], "s3");

  body = Body(s.client->Get("/api/info"));
  EXPECT_EQ(body["samples"], 5);
  EXPECT_EQ(body["files"].size(), 2u);
}

TEST(ReviewServer, RefusesBadListParameters) {
  Served s;
  ExpectError(s.client->Get("/api/samples?limit=0"), 400, "limit=0");
  ExpectError(s.client->Get("/api/samples?limit=5000"), 400, "from 1 to 1000");
  ExpectError(s.client->Get("/api/samples?offset=-1"), 400, "whole number");
  ExpectError(s.client->Get("/api/samples?decison=review"), 400, "unknown parameter \"decison\"");
  ExpectError(s.client->Get("/api/decisions?limit=x"), 400, "limit");
  ExpectError(s.client->Get("/api/nothing"), 404, "no such endpoint: GET /api/nothing");
}

TEST(ReviewServer, ShowsOneSampleWithItsEvidenceInTheDocument) {
  Served s;
  const auto r = s.client->Get("/api/samples/s2");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json body = Body(r);
  const auto want = FixtureSample(2, envelope::Decision::kAccept);
  EXPECT_EQ(body["question"], want.record.task.question);
  EXPECT_EQ(body["answer"], want.record.answer);
  EXPECT_EQ(body["format"], "messages");
  EXPECT_EQ(body["meta"]["reference"], "Reference 2");
  EXPECT_EQ(body["meta"]["llm_calls"], 3);
  EXPECT_EQ(body["document_bytes"], DocumentText().size());
  ASSERT_EQ(body["evidence"].size(), 1u);
  const json& e = body["evidence"][0];
  EXPECT_EQ(e["chapter"], "CHAPTER I");
  EXPECT_EQ(e["text"], Paragraphs()[2]);
  // The text around it: the paragraphs before and after.
  EXPECT_NE(e["before"].get<std::string>().find(Paragraphs()[1]), std::string::npos);
  EXPECT_NE(e["after"].get<std::string>().find(Paragraphs()[3]), std::string::npos);

  ExpectError(s.client->Get("/api/samples/nope"), 404, "no sample \"nope\"");
  ExpectError(s.client->Get("/api/samples/%FF%FE"), 404, "no sample");
}

TEST(ReviewServer, RecordsDecisionsAndShowsWhoDecided) {
  ReviewServerOptions options;
  options.reviewer = "default-reviewer";
  Served s(options);
  auto r = s.Post("s4", R"({"decision": "accept"})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  r = s.Post("s3", R"({"decision": "edit", "answer": "Fixed.", "reviewer": "ada"})");
  ASSERT_EQ(r->status, 200) << r->body;
  r = s.Post("s0", R"({"decision": "reject", "reason": "wrong", "reviewer": "bob"})");
  ASSERT_EQ(r->status, 200) << r->body;

  const auto lines = s.DecisionLines();
  ASSERT_EQ(lines.size(), 3u);
  const auto first = DecodeDecision(lines[0]);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->sample_id, "s4");
  EXPECT_EQ(first->reviewer, "default-reviewer");
  EXPECT_EQ(DecodeDecision(lines[1])->answer, "Fixed.");

  json body = Body(s.client->Get("/api/samples/s3"));
  ASSERT_EQ(body["human"].size(), 1u);
  EXPECT_EQ(body["human"][0]["reviewer"], "ada");
  EXPECT_EQ(body["human"][0]["answer"], "Fixed.");
  body = Body(s.client->Get("/api/samples?human=reject"));
  EXPECT_EQ(body["total"], 1);
  EXPECT_EQ(body["rows"][0]["human"]["reviewer"], "bob");
  body = Body(s.client->Get("/api/decisions?limit=2"));
  ASSERT_EQ(body["decisions"].size(), 2u);
  EXPECT_EQ(body["decisions"][0]["id"], "s0");
  EXPECT_EQ(body["total"], 3);
}

TEST(ReviewServer, RefusesBadDecisionsWithAMessageAndKeepsServing) {
  Served s;
  ExpectError(s.Post("s1", "{not json"), 400, "not JSON");
  ExpectError(s.Post("s1", "[1]"), 400, "must be a JSON object");
  ExpectError(s.Post("s1", R"({"decision": "maybe", "reviewer": "a"})"), 400, "\"maybe\"");
  ExpectError(s.Post("s1", R"({"decision": 1})"), 400, "\"decision\" must be a string");
  ExpectError(s.Post("s1", R"({"decision": "accept", "mood": "x", "reviewer": "a"})"), 400,
              "unknown field \"mood\"");
  ExpectError(s.Post("s1", R"({"decision": "reject", "reviewer": "a"})"), 400,
              "a reject needs a reason");
  ExpectError(s.Post("s1", R"({"decision": "edit", "reviewer": "a"})"), 400,
              "an edit needs the corrected answer");
  ExpectError(s.Post("s1", R"({"decision": "accept"})"), 400, "reviewer is empty");
  ExpectError(s.Post("missing", R"({"decision": "accept", "reviewer": "a"})"), 404,
              "no sample \"missing\"");
  ExpectError(s.Post("s1", R"({"decision": "accept", "reviewer": "a"})", "text/plain"), 415,
              "application/json");
  const std::string huge =
      R"({"decision": "edit", "reviewer": "a", "answer": ")" + std::string(3 << 20, 'x') + "\"}";
  const auto big = s.Post("s1", huge);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_TRUE(s.DecisionLines().empty());
  const auto still = s.client->Get("/api/info");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);
}

TEST(ReviewServer, AnswersWithAMessageWhenAFileChangedUnderIt) {
  Served s;
  // Someone cut dataset.jsonl after the server indexed it: the sample can no longer be
  // read, which is said, and the server carries on.
  std::filesystem::resize_file(s.fixture.dir + "/dataset.jsonl", 10);
  ExpectError(s.client->Get("/api/samples/s2"), 500, "dataset.jsonl:3: cannot read: file shrank");
  std::ofstream(s.fixture.dir + "/dataset.jsonl") << std::string(20000, 'x');
  ExpectError(s.client->Get("/api/samples/s0"), 500, "dataset.jsonl:1: no longer a sink record");
  const auto still = s.client->Get("/api/samples/s4");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);
}

TEST(ReviewServer, RecordsEveryOneOfManyConcurrentDecisions) {
  Served s;
  constexpr int kThreads = 8, kEach = 15;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", s.server->port());
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "s" + std::to_string((t + i) % 5);
        const json body = {{"decision", "edit"},
                           {"answer", "answer from " + std::to_string(t)},
                           {"reviewer", "reviewer-" + std::to_string(t)}};
        const auto r = client.Post(("/api/samples/" + id + "/decision").c_str(), body.dump(),
                                   "application/json");
        if (r && r->status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kEach);
  const auto lines = s.DecisionLines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kEach));
  std::map<std::string, std::string> last;
  for (const auto& line : lines) {
    const auto d = DecodeDecision(line);
    ASSERT_TRUE(d.ok()) << line;
    last[d->sample_id] = d->reviewer;
  }
  // The latest line of each sample is what the server shows.
  for (const auto& [id, reviewer] : last) {
    const json body = Body(s.client->Get(("/api/samples/" + id).c_str()));
    EXPECT_EQ(body["human"].back()["reviewer"], reviewer) << id;
  }
}

TEST(ReviewServer, RequiresTheBearerTokenOnEveryRequest) {
  ReviewServerOptions options;
  options.token = "s3cret";
  Served s(options);
  ExpectError(s.client->Get("/api/info"), 401, "needs a bearer token");
  ExpectError(s.client->Get("/"), 401, "needs a bearer token");
  ExpectError(s.Post("s1", R"({"decision": "accept", "reviewer": "a"})"), 401, "bearer token");
  s.client->set_bearer_token_auth("wrong");
  ExpectError(s.client->Get("/api/info"), 401, "wrong bearer token");
  s.client->set_bearer_token_auth("s3cret");
  EXPECT_EQ(s.client->Get("/api/info")->status, 200);
  EXPECT_EQ(s.Post("s1", R"({"decision": "accept", "reviewer": "a"})")->status, 200);
  httplib::Client page("127.0.0.1", s.server->port());
  EXPECT_EQ(page.Get("/?token=s3cret")->status, 200);
  ExpectError(page.Get("/api/info?token=s3cret"), 401, "bearer token");  // the page only
  EXPECT_NE(s.server->Url().find("?token=s3cret"), std::string::npos);
  EXPECT_EQ(s.DecisionLines().size(), 1u);
}

TEST(ReviewServer, RefusesAForeignHostOnLoopbackAndANonLoopbackAddressWithoutToken) {
  Served s;
  ExpectError(s.client->Get("/api/info", {{"Host", "evil.example:80"}}), 403, "evil.example");
  ReviewServerOptions open;
  open.address = "0.0.0.0";
  std::vector<std::string> warnings;
  auto started = ReviewServer::Start(open, *s.index, *s.log, nullptr);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("a --token is required"), std::string::npos);
  EXPECT_TRUE(IsLoopback("127.0.0.5"));
  EXPECT_TRUE(IsLoopback("::1"));
  EXPECT_FALSE(IsLoopback("10.0.0.1"));
}

}  // namespace
}  // namespace longforge::review
