// `longforge run --report`: the HTML page renders in a real browser with its charts.

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "cluster.h"
#include "support/fake_llm_server.h"
#include "support/programs.h"
#include "support/subprocess.h"

namespace longforge::testing {
namespace {

using namespace std::chrono_literals;

std::size_t Count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

TEST(Report, RendersInHeadlessChromiumWithEveryChart) {
  LF_REQUIRE_PROGRAMS("/usr/bin/chromium");
  const std::string dir = TempDir();
  WriteSyntheticDocuments(dir + "/docs.jsonl", 2, 3, 40);
  FakeLlmServer server([](const FakeRequest& r) {
    if (r.stage == "relevance") {
      const std::string& user = r.messages.back().content;
      const auto at = user.find("The vessel Marlin");
      return FakeReply::Content(
          at == std::string::npos ? "NONE" : user.substr(at, user.find('.', at) - at + 1));
    }
    return FakeReply::Content("Copper ingots.");
  });
  const std::string report = dir + "/report.html";
  const auto run =
      RunCommand({LongforgeBinary(), "run", "--input", dir + "/docs.jsonl", "--out", dir + "/out",
                  "--store", dir + "/store", "--no-progress", "--chunk-tokens", "64", "--llm-url",
                  server.base_url(), "--llm-model", "fake", "--report", report},
                 120s);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  const auto dom = RunCommand(
      {"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
       "--no-first-run", "--disable-background-networking", "--disable-component-update",
       "--disable-sync", "--user-data-dir=" + dir + "/chromium", "--dump-dom", "file://" + report},
      90s);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  // The browser parsed seven inline SVG charts...
  EXPECT_EQ(Count(dom.out, "<svg class=\"chart\""), 7u) << dom.out;
  for (const char* id : {"decisions", "evidence-depth", "answer-lengths", "evidence-lengths",
                         "llm-calls", "llm-tokens", "throughput"}) {
    EXPECT_NE(dom.out.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  // ...with bars in them, the LLM ones included, and no external asset to fetch.
  EXPECT_GT(Count(dom.out, "<rect class=\"bar\""), 8u);
  EXPECT_EQ(dom.out.find("nothing to show"), std::string::npos) << dom.out;
  for (const char* external : {"<link", "<script", "<img", "@import"}) {
    EXPECT_EQ(dom.out.find(external), std::string::npos) << external;
  }
  // The quality tables: the synthetic questions have no reference, so they were read at
  // level 2 (medium) and never reached the closed-book check.
  for (const char* id : {"type-difficulty", "closed-book", "level-cost"}) {
    EXPECT_NE(dom.out.find(std::string("<table id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_TRUE(std::regex_search(dom.out, std::regex("<td>2</td><td>6</td><td>6</td>")))
      << "level 2: 6 samples, 6 accepted";
  EXPECT_NE(dom.out.find("not run: no LLM"), std::string::npos);
  EXPECT_NE(dom.out.find(">relevance<"), std::string::npos);
  EXPECT_NE(dom.out.find("accepted"), std::string::npos);
}

}  // namespace
}  // namespace longforge::testing
