// Separate worker processes on the embedded broker: crashes, restarts, kcat,
// metrics. Each test starts and stops its own broker.

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "accounting.h"
#include "cluster.h"
#include "support/programs.h"
#include "validate.h"

namespace longforge::testing {
namespace {

using namespace std::chrono_literals;

std::set<std::string> SampleIds(const std::string& path, std::size_t& lines) {
  std::set<std::string> ids;
  for (const auto& line : ReadLines(path)) {
    ++lines;
    ids.insert(nlohmann::json::parse(line)["meta"]["sample_id"].get<std::string>());
  }
  return ids;
}

TEST(Workers, SigkilledWorkersRestartWithoutLossOrDuplicates) {
  const std::string dir = TempDir();
  Cluster cluster(dir);
  std::string error;
  ASSERT_TRUE(cluster.StartBroker(error)) << error;
  cluster.StartAllWorkers();

  constexpr int kDocs = 6, kQuestions = 5;
  WriteSyntheticDocuments(dir + "/a.jsonl", kDocs / 2, kQuestions, 300);
  auto first = cluster.Ingest({dir + "/a.jsonl"});
  ASSERT_EQ(first.exit_code, 0) << first.err;

  // Let results start flowing, then freeze relevance part-way so the answer worker
  // holds half-gathered tasks, and kill it (and the sink) without warning.
  ASSERT_TRUE(WaitFor([&] { return cluster.Written() > 0; }, 90s)) << cluster.Logs();
  cluster.worker("relevance").Signal(SIGSTOP);
  cluster.worker("answer").Signal(SIGKILL);
  cluster.worker("sink").Signal(SIGKILL);
  EXPECT_EQ(cluster.worker("answer").Wait(5s), -1);  // killed, not exited

  // More documents arrive while they are down.
  const std::string second_path = dir + "/b.jsonl";
  {
    // Same generator, different ids: shift by writing to a second file.
    WriteSyntheticDocuments(second_path, kDocs, kQuestions, 300);
    auto lines = ReadLines(second_path);
    std::ofstream rest(second_path, std::ios::trunc);
    for (std::size_t i = kDocs / 2; i < lines.size(); ++i) rest << lines[i] << "\n";
  }
  auto second = cluster.Ingest({second_path});
  ASSERT_EQ(second.exit_code, 0) << second.err;

  cluster.StartWorker("answer");
  cluster.StartWorker("sink");
  cluster.worker("relevance").Signal(SIGCONT);

  const std::size_t expected = kDocs * kQuestions;
  ASSERT_TRUE(WaitFor([&] { return cluster.Written() >= expected; }, 180s))
      << "written " << cluster.Written() << " of " << expected << "\n"
      << cluster.Logs();
  std::this_thread::sleep_for(2s);  // anything extra would show up now

  std::size_t lines = 0;
  auto ids = SampleIds(cluster.out() + "/dataset.jsonl", lines);
  auto rejected = SampleIds(cluster.out() + "/rejected.jsonl", lines);
  ids.insert(rejected.begin(), rejected.end());
  EXPECT_EQ(lines, expected) << "every task written exactly once";
  EXPECT_EQ(ids.size(), expected);
  const auto accounting = ReadAccounting(cluster.out());
  std::string problems;
  for (const auto& p : Unaccounted(accounting, SyntheticTasks(kDocs, kQuestions))) {
    problems += "  " + p + "\n";
  }
  EXPECT_TRUE(problems.empty()) << problems << accounting.Describe();
}

TEST(Workers, KcatSubmitsADocumentAndReadsTheRecord) {
  LF_REQUIRE_PROGRAMS("kcat");
  const std::string dir = TempDir();
  Cluster cluster(dir);
  std::string error;
  ASSERT_TRUE(cluster.StartBroker(error)) << error;
  cluster.StartAllWorkers();

  const nlohmann::json doc = {
      {"schema", "lf.documents/v1"},
      {"title", "submitted with kcat"},
      {"text",
       "The observatory on Mount Cerro was opened in 1972.\n\nIts main telescope has a mirror of "
       "four metres and was built by the Halden optical works."},
      {"questions", {{{"question", "Who built the observatory's main telescope?"}}}}};
  auto produced = RunCommand({"kcat", "-P", "-b", cluster.brokers(), "-t", "lf.documents"}, 30s,
                             doc.dump() + "\n");
  ASSERT_EQ(produced.exit_code, 0) << produced.err;

  CommandResult consumed;
  ASSERT_TRUE(WaitFor(
      [&] {
        consumed = RunCommand({"kcat", "-C", "-b", cluster.brokers(), "-t", "lf.dataset", "-o",
                               "beginning", "-e", "-q"},
                              30s);
        return consumed.out.find("Halden optical works") != std::string::npos;
      },
      90s))
      << consumed.out << consumed.err << cluster.Logs();
  const auto record = nlohmann::json::parse(consumed.out.substr(0, consumed.out.find('\n')));
  EXPECT_EQ(record["schema"], "lf.dataset/v1");
  EXPECT_EQ(record["task"]["question"], "Who built the observatory's main telescope?");
  EXPECT_NE(record["answer"].get<std::string>().find("Halden"), std::string::npos);
  EXPECT_EQ(record["backend"], "extractive (no LLM)");
}

// Malformed envelopes as a plain producer (kcat) would send them: each is dead-lettered
// with its reason and the worker carries on to the good document after them.
TEST(Workers, DeadLettersBadMessagesAndCarriesOn) {
  LF_REQUIRE_PROGRAMS("kcat", "curl");
  const std::string dir = TempDir();
  Cluster cluster(dir);
  std::string error;
  ASSERT_TRUE(cluster.StartBroker(error)) << error;
  const int port = FreePort();
  cluster.StartWorker("chunker", port, {"--max-document-bytes", "100000"});

  // Not JSON, wrong schema, an unknown stored document, binary inline text, no fields,
  // fields of the wrong type, a path as the document id, inline text over the chunker's
  // --max-document-bytes, a 300 kB line that is not JSON; then a good one.
  const std::string huge_text(150000, 'a');
  const std::string huge_garbage(300000, '#');
  const std::string bad =
      "this is not json\n"
      "{\"schema\":\"lf.answers/v1\"}\n"
      "{\"schema\":\"lf.documents/v1\",\"doc_id\":\"no-such-document\"}\n"
      "{\"schema\":\"lf.documents/v1\",\"text\":\"abc\\u0000def\"}\n"
      "{\"schema\":\"lf.documents/v1\"}\n"
      "{\"schema\":\"lf.documents/v1\",\"text\":5}\n"
      "{\"schema\":\"lf.documents/v1\",\"doc_id\":\"../../etc/passwd\"}\n"
      "{\"schema\":\"lf.documents/v1\",\"text\":\"" +
      huge_text + "\"}\n" + huge_garbage + "\n" +
      "{\"schema\":\"lf.documents/v1\",\"text\":\"A fine small document.\"}\n";
  constexpr std::size_t kBad = 9;
  auto produced = RunCommand({"kcat", "-P", "-b", cluster.brokers(), "-t", "lf.documents", "-p",
                              "0", "-X", "message.max.bytes=1000000"},
                             30s, bad);
  ASSERT_EQ(produced.exit_code, 0) << produced.err;

  CommandResult dlq, chunked;
  ASSERT_TRUE(WaitFor(
      [&] {
        dlq = RunCommand({"kcat", "-C", "-b", cluster.brokers(), "-t", "lf.dlq", "-o", "beginning",
                          "-e", "-q", "-X", "fetch.message.max.bytes=2000000"},
                         30s);
        return ReadLinesFromString(dlq.out).size() >= kBad;
      },
      60s))
      << dlq.out.substr(0, 4000) << cluster.Logs();
  const auto records = ReadLinesFromString(dlq.out);
  ASSERT_EQ(records.size(), kBad);
  // By the offset of the original message: lf.dlq has several partitions, so kcat reads
  // its records in no particular order.
  std::map<int64_t, std::string> reasons;
  for (const auto& line : records) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["schema"], "lf.dlq/v1");
    EXPECT_EQ(j["worker"], "chunker");
    EXPECT_EQ(j["topic"], "lf.documents");
    EXPECT_EQ(j["partition"], 0);
    reasons[j["offset"].get<int64_t>()] = j["reason"].get<std::string>();
    if (j["payload_bytes"] == huge_garbage.size()) {
      // The record keeps the first 256 kB of the original and says it was cut.
      EXPECT_TRUE(j["truncated"].get<bool>());
      EXPECT_EQ(j["payload"].get<std::string>().size(), 256u * 1024);
    }
  }
  // Message i was sent at offset i of the fresh topic's partition 0.
  const std::vector<std::string> expected = {"not valid JSON",
                                             "expected schema lf.documents/v1",
                                             "no-such-document",
                                             "NUL byte at offset 3",
                                             "needs \"doc_id\" (stored text) or \"text\"",
                                             "field \"text\"",
                                             "../../etc/passwd",
                                             "150000 bytes is over the limit of 100000",
                                             "not valid JSON"};
  ASSERT_EQ(reasons.size(), kBad);
  for (std::size_t i = 0; i < kBad; ++i) {
    const std::string& reason = reasons[static_cast<int64_t>(i)];
    EXPECT_NE(reason.find(expected[i]), std::string::npos) << "message " << i << ": " << reason;
  }
  // ...and the good document after them was still chunked.
  ASSERT_TRUE(WaitFor(
      [&] {
        chunked = RunCommand({"kcat", "-C", "-b", cluster.brokers(), "-t", "lf.chunked", "-o",
                              "beginning", "-e", "-q"},
                             30s);
        return !chunked.out.empty();
      },
      30s));
  EXPECT_EQ(ReadLinesFromString(chunked.out).size(), 1u) << chunked.out;
  // Nothing was written outside the store.
  EXPECT_FALSE(std::filesystem::exists(dir + "/../etc/passwd.txt"));
  // The metrics endpoint counts what happened.
  auto metrics =
      RunCommand({"curl", "-sf", "http://127.0.0.1:" + std::to_string(port) + "/metrics"});
  EXPECT_NE(
      metrics.out.find(
          "longforge_messages_dead_lettered_total{topic=\"lf.documents\",worker=\"chunker\"} 9"),
      std::string::npos)
      << metrics.out;
  EXPECT_NE(metrics.out.find(
                "longforge_messages_consumed_total{topic=\"lf.documents\",worker=\"chunker\"} 10"),
            std::string::npos);
  EXPECT_NE(metrics.out.find("longforge_chunker_documents_total 1"), std::string::npos);
}

TEST(Workers, WatchIngestsNewFilesAndWorkersStopCleanlyOnSigterm) {
  const std::string dir = TempDir();
  Cluster cluster(dir);
  std::string error;
  ASSERT_TRUE(cluster.StartBroker(error)) << error;
  cluster.StartWorker("chunker");
  const std::string watched = dir + "/incoming";
  std::filesystem::create_directories(watched);
  auto watcher =
      Subprocess::Start({LongforgeBinary(), "ingest", "--brokers", cluster.brokers(), "--store",
                         cluster.store(), "--watch", watched, "--watch-interval-ms", "200"});
  std::this_thread::sleep_for(1s);
  std::ofstream(watched + "/late.txt") << "A document that arrived after the watcher started.";
  CommandResult chunked;
  ASSERT_TRUE(WaitFor(
      [&] {
        chunked = RunCommand({"kcat", "-C", "-b", cluster.brokers(), "-t", "lf.chunked", "-o",
                              "beginning", "-e", "-q"},
                             30s);
        return !chunked.out.empty();
      },
      60s))
      << watcher->Stderr() << cluster.Logs();
  EXPECT_EQ(nlohmann::json::parse(ReadLinesFromString(chunked.out)[0])["title"], "late");
  watcher->Signal(SIGTERM);
  EXPECT_EQ(watcher->Wait(20s), 0) << watcher->Stderr();
  cluster.worker("chunker").Signal(SIGTERM);
  EXPECT_EQ(cluster.worker("chunker").Wait(20s), 0) << cluster.Logs();
}

TEST(Workers, EveryMessageOnEveryTopicMatchesItsSchema) {
  LF_REQUIRE_PROGRAMS("kcat");
  if (const auto why = ValidatorUnavailable(); !why.empty()) GTEST_FAIL() << why;
  const std::string dir = TempDir();
  Cluster cluster(dir);
  std::string error;
  ASSERT_TRUE(cluster.StartBroker(error)) << error;
  cluster.StartAllWorkers();
  auto ingested = cluster.Ingest({std::string(LONGFORGE_SOURCE_DIR) + "/examples/docs"});
  ASSERT_EQ(ingested.exit_code, 0) << ingested.err;
  auto bad = RunCommand({"kcat", "-P", "-b", cluster.brokers(), "-t", "lf.documents"}, 30s,
                        "{\"schema\":\"lf.documents/v1\"}\n");
  ASSERT_EQ(bad.exit_code, 0) << bad.err;
  ASSERT_TRUE(WaitFor([&] { return cluster.Written() >= 9; }, 90s)) << cluster.Logs();

  std::vector<std::string> files;
  for (const char* topic :
       {"lf.documents", "lf.chunked", "lf.tasks", "lf.relevance.requests", "lf.relevance.results",
        "lf.answers", "lf.dataset", "lf.rejected", "lf.dlq"}) {
    const auto dump = RunCommand(
        {"kcat", "-C", "-b", cluster.brokers(), "-t", topic, "-o", "beginning", "-e", "-q"}, 60s);
    ASSERT_EQ(dump.exit_code, 0) << dump.err;
    EXPECT_FALSE(dump.out.empty()) << topic << " carried no message";
    files.push_back(dir + "/" + topic + ".jsonl");
    std::ofstream file(files.back());
    // The one message this test injected to fill lf.dlq is invalid on purpose.
    for (const auto& line : ReadLinesFromString(dump.out)) {
      if (line != "{\"schema\":\"lf.documents/v1\"}") file << line << "\n";
    }
  }
  std::string out;
  EXPECT_EQ(ValidateJsonl(files, "", out), 0) << out;
  EXPECT_EQ(ValidateJsonl({cluster.out() + "/dataset.jsonl"}, "messages", out), 0) << out;
}

}  // namespace
}  // namespace longforge::testing
