// `longforge review` end to end: a dataset from a real `longforge run` (its LLM stages on
// a scripted server, so the filter sends judge disagreements to review), the server as
// its own process, decisions over HTTP and in a real Chromium driven by puppeteer-core,
// then `--write-final` and `stats`.

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "support/fake_llm_server.h"
#include "support/programs.h"
#include "support/subprocess.h"
#include "validate.h"

namespace longforge::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

const fs::path kBrowserDir =
    fs::path(LONGFORGE_SOURCE_DIR) / "tests" / "support" / "review_browser";

struct Fact {
  std::string sentence, question, reference;
};

const std::vector<Fact>& Facts() {
  static const std::vector<Fact> facts = {
      {"The lighthouse keeper of Northgate was Oskar Brandt.", "Who kept the Northgate lighthouse?",
       "Oskar Brandt"},
      {"The harbour of Northgate opened in the year 1931.",
       "When did the harbour of Northgate open?", "In 1931"},
      {"The ferry to Kell Island leaves at seven in the morning.",
       "When does the ferry to Kell Island leave?", "At seven in the morning"},
      {"The old grain mill burned down in the winter of 1902.",
       "When did the old grain mill burn down?", "In the winter of 1902"},
      {"The customs house was painted a deep shade of green.", "What colour is the customs house?",
       "A deep shade of green"},
  };
  return facts;
}

// One document of filler paragraphs with a fact in every third, and a question with a
// reference answer for each fact.
std::string WriteDocument(const std::string& path) {
  std::string text = "CHAPTER I\n\n";
  for (std::size_t p = 0; p < 15; ++p) {
    text +=
        "The tide came in slowly over the mud flats while the gulls argued on the old pier "
        "posts, and nobody in the town paid them any attention at all that week.\n\n";
    if (p % 3 == 1) text += Facts()[p / 3].sentence + "\n\n";
  }
  json doc = {
      {"id", "northgate"}, {"title", "Northgate"}, {"text", text}, {"questions", json::array()}};
  for (const auto& f : Facts())
    doc["questions"].push_back({{"question", f.question}, {"answer", f.reference}});
  std::ofstream(path) << doc.dump() << "\n";
  return path;
}

// The LLM of the run: relevance quotes the fact sentences a chunk holds, the answer is
// the reference in a sentence, the closed-book model does not know, and the judge agrees with the
// rules only on the first question — the other four go to review.
FakeReply Scripted(const FakeRequest& r) {
  const std::string& user = r.messages.back().content;
  if (r.stage == "relevance") {
    std::string quotes;
    for (const auto& f : Facts()) {
      if (user.find(f.sentence) != std::string::npos) quotes += f.sentence + "\n";
    }
    return FakeReply::Content(quotes.empty() ? "NONE" : quotes);
  }
  if (user.find("Candidate answer:") != std::string::npos) {
    return FakeReply::Content(user.find(Facts()[0].question) != std::string::npos ? "[[YES]]"
                                                                                  : "[[NO]]");
  }
  if (r.messages.front().content.find("not shown any document") != std::string::npos) {
    return FakeReply::Content("I do not know.");
  }
  for (const auto& f : Facts()) {
    // Not the reference word for word, so that the judge is asked.
    if (user.find(f.question) != std::string::npos)
      return FakeReply::Content("It was " + f.reference + ".");
  }
  return FakeReply::Content("Northgate harbour.");
}

// A real run's output directory under `dir`: 1 accepted sample and 4 for review.
void RunPipeline(const std::string& dir) {
  FakeLlmServer llm(Scripted);
  const auto run =
      RunCommand({LongforgeBinary(), "run", "--input", WriteDocument(dir + "/docs.jsonl"), "--out",
                  dir + "/out", "--store", dir + "/store", "--no-progress", "--chunk-tokens", "64",
                  "--llm-url", llm.base_url(), "--llm-model", "fake"},
                 120s);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
}

struct ReviewProcess {
  std::unique_ptr<Subprocess> process;
  std::string url;  // http://127.0.0.1:PORT/
  int port = 0;

  ReviewProcess(const std::string& dir, std::vector<std::string> extra = {}) {
    port = FreePort();
    std::vector<std::string> argv = {LongforgeBinary(), "review", dir + "/out",        "--store",
                                     dir + "/store",    "--port", std::to_string(port)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process = Subprocess::Start(argv);
    const std::regex open("open (http://\\S+)");
    WaitFor([&] { return std::regex_search(process->Stdout(), open) || !process->Running(); }, 30s);
    std::smatch m;
    const std::string out = process->Stdout();
    if (std::regex_search(out, m, open)) url = m[1];
  }
  ~ReviewProcess() {
    process->Signal(SIGTERM);
    process->Wait(10s);
  }
};

std::vector<json> JsonLines(const std::string& path) {
  std::vector<json> out;
  for (const auto& line : ReadLines(path)) out.push_back(json::parse(line));
  return out;
}

TEST(Review, DecisionsOverHttpReachWriteFinalAndStats) {
  const std::string dir = TempDir();
  RunPipeline(dir);
  std::vector<std::string> review_ids;
  for (const auto& line : JsonLines(dir + "/out/rejected.jsonl")) {
    if (line["meta"]["decision"] == "review") review_ids.push_back(line["meta"]["sample_id"]);
  }
  ASSERT_EQ(review_ids.size(), 4u) << "the scripted judge disagrees on four questions";
  ASSERT_EQ(JsonLines(dir + "/out/dataset.jsonl").size(), 1u);
  {
    ReviewProcess review(dir, {"--reviewer", "cli-test"});
    ASSERT_FALSE(review.url.empty()) << review.process->Stdout() << review.process->Stderr();
    httplib::Client client("127.0.0.1", review.port);
    const auto listed = client.Get("/api/samples?decision=review");
    ASSERT_TRUE(listed);
    EXPECT_EQ(json::parse(listed->body)["total"], 4);
    const auto post = [&](const std::string& id, const json& body) {
      const auto r = client.Post(("/api/samples/" + id + "/decision").c_str(), body.dump(),
                                 "application/json");
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200) << r->body;
    };
    post(review_ids[0], {{"decision", "accept"}});
    post(review_ids[1], {{"decision", "edit"}, {"answer", "Corrected by hand."}});
    post(review_ids[2], {{"decision", "reject"}, {"reason", "too easy"}});
  }
  EXPECT_EQ(ReadLines(dir + "/out/decisions.jsonl").size(), 3u);

  const auto final_run = RunCommand({LongforgeBinary(), "review", dir + "/out", "--store",
                                     dir + "/store", "--write-final", dir + "/final"});
  ASSERT_EQ(final_run.exit_code, 0) << final_run.err;
  EXPECT_TRUE(Contains(final_run.out, "3 samples (messages); by people: 1 accepted, 1 edited"))
      << final_run.out;
  const auto lines = JsonLines(dir + "/final/dataset.jsonl");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["messages"][1]["content"], "Corrected by hand.");
  EXPECT_EQ(lines[2]["meta"]["human"]["reviewer"], "cli-test");

  // Both files keep their contracts (schemas/formats/decisions, messages with meta.human).
  ASSERT_EQ(ValidatorUnavailable(), "");
  std::string problems;
  EXPECT_EQ(ValidateJsonl({dir + "/out/decisions.jsonl"}, "decisions", problems), 0) << problems;
  EXPECT_EQ(ValidateJsonl({dir + "/final/dataset.jsonl"}, "messages", problems), 0) << problems;

  const auto stats = RunCommand({LongforgeBinary(), "stats", dir + "/out"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_TRUE(Contains(stats.out, "3 decisions by 1 reviewer(s) on 3 samples")) << stats.out;
  EXPECT_TRUE(Contains(stats.out, "  edit: 1")) << stats.out;
  const auto final_stats = RunCommand({LongforgeBinary(), "stats", dir + "/final"});
  EXPECT_EQ(final_stats.exit_code, 0) << final_stats.out << final_stats.err;
}

// Why the browser test cannot run, or empty: node and Chromium are Debian packages
// (ops/packages.txt) and puppeteer-core is installed by ops/install-node-reference.sh.
std::string MissingBrowser() {
  if (auto missing = MissingPrograms({"node", "/usr/bin/chromium"}); !missing.empty())
    return missing;
  if (!fs::exists(kBrowserDir / "node_modules" / "puppeteer-core")) {
    return (kBrowserDir / "node_modules").string() +
           " lacks puppeteer-core: run ops/install-node-reference.sh (ops/test.sh does)";
  }
  return "";
}

TEST(Review, APersonDecidesWithTheKeyboardInChromium) {
  if (const auto missing = MissingBrowser(); !missing.empty()) GTEST_FAIL() << missing;
  const std::string dir = TempDir();
  RunPipeline(dir);
  const std::string screenshot = std::string(LONGFORGE_BINARY_DIR) + "/review-screenshot.png";
  fs::remove(screenshot);
  json decided;
  {
    ReviewProcess review(dir);
    ASSERT_FALSE(review.url.empty()) << review.process->Stdout() << review.process->Stderr();
    const auto browser = RunCommand(
        {"node", (kBrowserDir / "review.mjs").string(), "--url", review.url, "--chromium",
         "/usr/bin/chromium", "--screenshot", screenshot, "--profile", dir + "/chromium"},
        120s);
    ASSERT_EQ(browser.exit_code, 0) << browser.out << browser.err << review.process->Stderr();
    decided = json::parse(ReadLinesFromString(browser.out).back());
  }
  EXPECT_EQ(decided["rows"], 4);
  const auto decisions = JsonLines(dir + "/out/decisions.jsonl");
  ASSERT_EQ(decisions.size(), 3u);
  EXPECT_EQ(decisions[0]["sample_id"], decided["accepted"]);
  EXPECT_EQ(decisions[0]["decision"], "accept");
  EXPECT_EQ(decisions[1]["sample_id"], decided["edited"]);
  EXPECT_EQ(decisions[1]["decision"], "edit");
  EXPECT_EQ(decisions[1]["answer"], "Edited in the browser.");
  EXPECT_EQ(decisions[2]["sample_id"], decided["rejected"]);
  EXPECT_EQ(decisions[2]["decision"], "reject");
  EXPECT_EQ(decisions[2]["reason"], "not supported by the evidence");
  for (const auto& d : decisions) EXPECT_EQ(d["reviewer"], "browser-test");
  EXPECT_GT(fs::file_size(screenshot), 10000u) << screenshot;

  const auto final_run =
      RunCommand({LongforgeBinary(), "review", dir + "/out", "--store", dir + "/store",
                  "--write-final", dir + "/final", "--format", "sharegpt"});
  ASSERT_EQ(final_run.exit_code, 0) << final_run.err;
  std::map<std::string, json> kept;
  for (const auto& line : JsonLines(dir + "/final/dataset.jsonl")) {
    kept[line["meta"]["sample_id"]] = line;
  }
  ASSERT_EQ(kept.size(), 3u) << "the sink's accepted sample, the accepted and the edited one";
  EXPECT_TRUE(kept.contains(decided["accepted"]));
  EXPECT_FALSE(kept.contains(decided["rejected"]));
  const json& edited = kept.at(decided["edited"]);
  EXPECT_EQ(edited["conversations"][1]["value"], "Edited in the browser.");
  EXPECT_EQ(edited["meta"]["human"]["decision"], "edit");
  std::string problems;
  EXPECT_EQ(ValidateJsonl({dir + "/final/dataset.jsonl"}, "sharegpt", problems), 0) << problems;
  // The review samples travelled without context; the final lines carry the document.
  EXPECT_TRUE(Contains(edited["conversations"][0]["value"], Facts()[2].sentence));
}

TEST(Review, OffLoopbackPrintsARandomTokenAndRequiresIt) {
  const std::string dir = TempDir();
  RunPipeline(dir);
  ReviewProcess review(dir, {"--addr", "0.0.0.0"});
  ASSERT_FALSE(review.url.empty()) << review.process->Stdout() << review.process->Stderr();
  std::smatch m;
  const std::string out = review.process->Stdout();
  ASSERT_TRUE(std::regex_search(out, m, std::regex("token: ([0-9a-f]{32}) "))) << out;
  const std::string token = m[1];
  EXPECT_TRUE(Contains(review.url, "?token=" + token)) << review.url;
  httplib::Client client("127.0.0.1", review.port);
  auto r = client.Get("/api/info");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(client.Get(("/?token=" + token).c_str())->status, 200);
  client.set_bearer_token_auth(token);
  r = client.Get("/api/samples?decision=review");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["total"], 4);
}

TEST(Review, ExitsWithAMessageOnADirectoryItCannotServe) {
  const std::string dir = TempDir();
  auto r = RunCommand({LongforgeBinary(), "review", dir + "/missing"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "missing: not a directory")) << r.err;
  fs::create_directories(dir + "/out");
  std::ofstream(dir + "/out/dataset.jsonl") << "{\"messages\": []}\n";
  r = RunCommand({LongforgeBinary(), "review", dir + "/out"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "dataset.jsonl:1: not a sink record")) << r.err;
  r = RunCommand({LongforgeBinary(), "review", dir + "/out", "--store", dir + "/nostore"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "--store " + dir + "/nostore: not a directory")) << r.err;
  r = RunCommand({LongforgeBinary(), "review", dir + "/out", "--format", "alpaca"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "without it they do nothing")) << r.err;
  for (const char* port : {"70000", "-1", "http"}) {
    r = RunCommand({LongforgeBinary(), "review", dir + "/out", "--port", port});
    EXPECT_EQ(r.exit_code, 1) << port;
    EXPECT_TRUE(Contains(r.err, "--port")) << port << ": " << r.err;
  }
}

}  // namespace
}  // namespace longforge::testing
