// `longforge run` against an OpenAI-compatible server (a fake one in this process):
// the stages call it, the cache replays it, and a killed run resumes paying only for
// the calls it had not finished.

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cargo_llm.h"
#include "cluster.h"
#include "support/fake_llm_server.h"
#include "support/subprocess.h"

namespace longforge::testing {
namespace {

using namespace std::chrono_literals;

FakeReply Script(const FakeRequest& r, std::chrono::milliseconds relevance_delay) {
  return CargoScript(r, relevance_delay);
}

std::vector<std::string> RunArgs(const std::string& dir, const std::string& input,
                                 const FakeLlmServer& server) {
  return LlmRunArgs(dir, input, server.base_url());
}

std::multiset<std::string> Answers(const std::string& path) {
  std::multiset<std::string> out;
  for (const auto& line : ReadLines(path)) {
    const auto j = nlohmann::json::parse(line);
    out.insert(j["meta"]["sample_id"].get<std::string>() + " " +
               j["messages"][1]["content"].get<std::string>());
  }
  return out;
}

TEST(LlmRun, StagesCallTheServerAndASecondRunReplaysTheCache) {
  const std::string dir = TempDir();
  FakeLlmServer server([](const FakeRequest& r) { return Script(r, 0ms); });
  WriteSyntheticDocuments(dir + "/docs.jsonl", 1, 2, 40);
  const auto first = RunCommand(RunArgs(dir, dir + "/docs.jsonl", server), 120s);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("backend:        mapper, questioner, relevance, answer, filter: "
                           "llm:fake-model at " +
                           server.base_url() + "\n"),
            std::string::npos)
      << first.out;
  const int calls = server.request_count();
  EXPECT_GT(server.request_count("relevance"), 2);
  EXPECT_EQ(server.request_count("answer"), 2);
  EXPECT_EQ(server.request_count("route"), 2) << "one per supplied question";
  EXPECT_EQ(calls, server.request_count("relevance") + server.request_count("answer") +
                       server.request_count("keywords") + server.request_count("route"));
  const auto dataset = Answers(dir + "/out/dataset.jsonl");
  ASSERT_EQ(dataset.size(), 2u);
  for (const auto& a : dataset) EXPECT_NE(a.find("Copper ingots."), std::string::npos);

  const auto second = RunCommand(RunArgs(dir, dir + "/docs.jsonl", server), 120s);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(server.request_count(), calls) << "every call should have come from the cache";
  EXPECT_NE(second.out.find("(" + std::to_string(calls) + " from cache)"), std::string::npos)
      << second.out;
  EXPECT_EQ(Answers(dir + "/out/dataset.jsonl"), dataset);
}

TEST(LlmRun, AKilledRunResumesAndSendsOnlyUnfinishedCalls) {
  const std::string clean_dir = TempDir() + "-clean";
  const std::string dir = TempDir();
  std::filesystem::remove_all(clean_dir);  // its cache would answer every call
  std::filesystem::create_directories(clean_dir);
  WriteSyntheticDocuments(dir + "/docs.jsonl", 2, 3, 120);

  // The cost of one uninterrupted run.
  FakeLlmServer clean([](const FakeRequest& r) { return Script(r, 0ms); });
  const auto reference = RunCommand(RunArgs(clean_dir, dir + "/docs.jsonl", clean), 180s);
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const int full = clean.request_count();
  ASSERT_GT(full, 10);

  // Slow the server down, kill the run part-way with no warning...
  FakeLlmServer server([](const FakeRequest& r) { return Script(r, 20ms); });
  auto killed = Subprocess::Start(RunArgs(dir, dir + "/docs.jsonl", server));
  ASSERT_TRUE(WaitFor([&] { return server.request_count() >= full / 2; }, 120s))
      << killed->Stderr();
  killed->Signal(SIGKILL);
  killed->Wait(10s);
  const int before = server.request_count();
  ASSERT_LT(before, full) << "the run finished before it could be killed";

  // ...and run the same command again.
  server.SetHandler([](const FakeRequest& r) { return Script(r, 0ms); });
  const auto resumed = RunCommand(RunArgs(dir, dir + "/docs.jsonl", server), 180s);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  const int resent = server.request_count() - before;
  EXPECT_LT(resent, full) << "finished calls must come from the cache";
  EXPECT_GE(before + resent, full);
  EXPECT_EQ(Answers(dir + "/out/dataset.jsonl"), Answers(clean_dir + "/out/dataset.jsonl"));
}

TEST(LlmRun, SeveralQuestionsShareOneRelevanceCallPerChunk) {
  const std::string dir = TempDir();
  WriteSyntheticDocuments(dir + "/docs.jsonl", 1, 4, 40);
  FakeLlmServer server([](const FakeRequest& r) {
    if (r.stage != "relevance") return Script(r, 0ms);
    // Four numbered blocks: quote the cargo sentence for the question it answers.
    const std::string& user = r.messages.back().content;
    std::string reply;
    for (int q = 1; q <= 4; ++q) {
      const std::string vessel = "Marlin0x" + std::to_string(q - 1);
      const auto at = user.find("The vessel " + vessel + " ");
      reply += "[" + std::to_string(q) + "]\n";
      reply += at == std::string::npos ? "NONE" : user.substr(at, user.find('.', at) - at + 1);
      reply += "\n";
    }
    return FakeReply::Content(reply);
  });
  auto args = RunArgs(dir, dir + "/docs.jsonl", server);
  args.insert(args.end(), {"--questions-per-call", "4"});
  const auto r = RunCommand(args, 120s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto lines = ReadLines(dir + "/out/dataset.jsonl");
  ASSERT_EQ(lines.size(), 4u) << r.out;
  const int chunks = nlohmann::json::parse(lines[0])["meta"]["chunks_total"];
  EXPECT_EQ(server.request_count("relevance"), chunks) << "one call per chunk for all four";
  for (const auto& line : lines) {
    const auto meta = nlohmann::json::parse(line)["meta"];
    ASSERT_EQ(meta["quotes"].size(), 1u) << line;
    const std::string vessel = meta["quotes"][0];
    EXPECT_NE(vessel.find("carried a cargo"), std::string::npos) << line;
  }
}

TEST(LlmRun, KeepsRetryingWhileTheServerIsDownAndFinishesWhenItIsBack) {
  const std::string dir = TempDir();
  WriteSyntheticDocuments(dir + "/docs.jsonl", 1, 2, 40);
  std::atomic<bool> down{true};
  std::atomic<int> refused{0};
  FakeLlmServer server([&](const FakeRequest& r) {
    if (down.load()) {
      ++refused;
      return FakeReply::Status(503, "warming up");
    }
    return Script(r, 0ms);
  });
  auto run = Subprocess::Start(RunArgs(dir, dir + "/docs.jsonl", server));
  ASSERT_TRUE(WaitFor([&] { return refused.load() >= 8; }, 60s)) << run->Stderr();
  std::this_thread::sleep_for(2s);
  EXPECT_TRUE(run->Running()) << "the run gave up while the server was down: " << run->Stderr();
  down = false;
  ASSERT_EQ(run->Wait(180s), 0) << run->Stdout() << run->Stderr();
  EXPECT_NE(run->Stdout().find("tasks:          2 (ended 2)"), std::string::npos) << run->Stdout();
  EXPECT_NE(run->Stdout().find("accepted:       2"), std::string::npos) << run->Stdout();
}

TEST(LlmRun, Level3AnswersATwoHopQuestionThroughASubQuestion) {
  const std::string dir = TempDir();
  std::string text;
  for (int i = 0; i < 30; ++i) {
    text += "Filler paragraph " + std::to_string(i) +
            " describes the weather over the harbour and the colour of the sea.\n\n";
    if (i == 5)
      text += "The Fifth Symphony was written by Beethoven in the nineteenth century.\n\n";
    if (i == 24) text += "The bicycle was invented in the nineteenth century by Karl Drais.\n\n";
  }
  const std::string question =
      "Which vehicle was invented in the same century as the Fifth Symphony was written?";
  const std::string sub_question = "In which century was the Fifth Symphony written?";
  std::ofstream(dir + "/doc.jsonl")
      << nlohmann::json{{"text", text}, {"questions", {{{"question", question}}}}}.dump() << "\n";

  FakeLlmServer server([&](const FakeRequest& r) {
    const std::string& user = r.messages.back().content;
    const auto has = [&](const char* s) { return user.find(s) != std::string::npos; };
    if (r.stage == "relevance") {
      if (has("The Fifth Symphony was written") && has("Question")) {
        return FakeReply::Content(
            "The Fifth Symphony was written by Beethoven in the nineteenth century.");
      }
      if (has("The bicycle was invented") && has("vehicle")) {
        return FakeReply::Content(
            "The bicycle was invented in the nineteenth century by Karl Drais.");
      }
      return FakeReply::Content("NONE");
    }
    if (r.stage == "plan") {
      return FakeReply::Content(has("(none yet)") ? "ASK: " + sub_question : "ANSWER: The bicycle");
    }
    if (r.stage == "answer") return FakeReply::Content("The nineteenth century.");
    return FakeReply::Content("INFO: x\nKEYWORDS: x");
  });
  auto args = RunArgs(dir, dir + "/doc.jsonl", server);
  args.insert(args.end(), {"--level", "3"});
  const auto r = RunCommand(args, 120s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto lines = ReadLines(dir + "/out/dataset.jsonl");
  ASSERT_EQ(lines.size(), 1u) << r.out;
  const auto record = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(record["messages"][1]["content"], "The bicycle");
  EXPECT_EQ(record["meta"]["level"], 3);
  ASSERT_EQ(record["meta"]["memory"].size(), 1u);
  EXPECT_EQ(record["meta"]["memory"][0]["question"], sub_question);
  EXPECT_EQ(record["meta"]["memory"][0]["answer"], "The nineteenth century.");
  EXPECT_EQ(server.request_count("plan"), 2);
  // Every chunk was read twice: once for the question, once for the sub-question,
  // and the record's cost counts both hops.
  const int chunks = record["meta"]["chunks_total"];
  EXPECT_EQ(server.request_count("relevance"), 2 * chunks);
  EXPECT_EQ(record["meta"]["llm_calls"].get<int>(), server.request_count());
}

// Every record of the sink's files in `dir`, accepted and not.
std::vector<nlohmann::json> AllRecords(const std::string& dir) {
  std::vector<nlohmann::json> out;
  for (const char* file : {"/out/dataset.jsonl", "/out/rejected.jsonl"}) {
    if (!std::filesystem::exists(dir + file)) continue;
    for (const auto& line : ReadLines(dir + file)) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

// The measurement: --level 1 sent every chunk to the relevance stage like level
// 2 and added the keyword call. Level 1 reads no chunk: not one relevance call.
TEST(LlmRun, LevelOneMakesNoRelevanceCall) {
  const std::string dir = TempDir();
  FakeLlmServer server([](const FakeRequest& r) { return Script(r, 0ms); });
  WriteSyntheticDocuments(dir + "/docs.jsonl", 1, 2, 40);
  auto args = RunArgs(dir, dir + "/docs.jsonl", server);
  args.insert(args.end(), {"--level", "1"});
  const auto r = RunCommand(args, 120s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server.request_count("relevance"), 0);
  EXPECT_EQ(server.request_count("keywords"), 2);
  EXPECT_EQ(server.request_count("answer"), 2);
  const auto records = AllRecords(dir);
  ASSERT_EQ(records.size(), 2u);
  for (const auto& rec : records) {
    EXPECT_EQ(rec["meta"]["level"], 1);
    EXPECT_EQ(rec["meta"]["difficulty"], "easy");
    EXPECT_EQ(rec["meta"]["chunks_relevant"], 0);
    EXPECT_GT(rec["meta"]["chunks_total"].get<int>(), 1);
  }
}

// --level auto: both questions have a reference and start at level 1. The first names
// its vessel, so keyword retrieval finds its passage and the model answers it right.
// The second asks in the ledger's everyday words, so retrieval within a small evidence
// budget brings back everyday paragraphs and the model, not finding the cargo, answers
// wrong; at level 2 the relevance pass quotes the vessels' sentences, retrieval finds
// its passage and the answer is right. Only the second is sent up a level, so only it
// reads every chunk, and each record says which level answered it and how hard it was.
TEST(LlmRun, AutoGoesUpALevelExactlyWhenTheAnswerIsWrong) {
  const std::string dir = TempDir();
  WriteSyntheticDocuments(dir + "/docs.jsonl", 1, 2, 40);
  auto doc = nlohmann::json::parse(ReadLines(dir + "/docs.jsonl").at(0));
  for (auto& q : doc["questions"]) q["answer"] = "Copper ingots.";
  const std::string everyday =
      "What did the clerks write about the harbour traffic, tides and weather of that week?";
  doc["questions"][1]["question"] = everyday;
  std::ofstream(dir + "/docs.jsonl") << doc.dump() << "\n";

  FakeLlmServer server([&](const FakeRequest& r) {
    const std::string& user = r.messages.back().content;
    if (r.stage == "answer" && user.find(everyday) != std::string::npos &&
        user.find("Marlin0x1") == std::string::npos) {
      return FakeReply::Content("Lead pipes.");  // its passage is not in the evidence
    }
    if (r.stage == "keywords" && user.find(everyday) != std::string::npos) {
      return FakeReply::Content("INFO: the week's record\nKEYWORDS: harbour, tides, weather");
    }
    if (r.stage == "judge") {
      return FakeReply::Content(user.find("Lead pipes") != std::string::npos ? "They differ. [[NO]]"
                                                                             : "Same. [[YES]]");
    }
    return Script(r, 0ms);
  });
  auto args = RunArgs(dir, dir + "/docs.jsonl", server);
  args.insert(args.end(), {"--evidence-tokens", "120", "--retrieval-chunk-tokens", "40"});
  const auto r = RunCommand(args, 120s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto lines = ReadLines(dir + "/out/dataset.jsonl");
  ASSERT_EQ(lines.size(), 2u) << r.out;
  std::map<std::string, nlohmann::json> by_question;
  for (const auto& line : lines) {
    auto rec = nlohmann::json::parse(line);
    by_question[rec["messages"][0]["content"].get<std::string>().find(everyday) != std::string::npos
                    ? "everyday"
                    : "named"] = rec["meta"];
  }
  ASSERT_EQ(by_question.size(), 2u);
  const auto& easy = by_question["named"];
  EXPECT_EQ(easy["level"], 1);
  EXPECT_EQ(easy["difficulty"], "easy");
  EXPECT_TRUE(easy["escalations"].empty());
  const auto& medium = by_question["everyday"];
  EXPECT_EQ(medium["level"], 2);
  EXPECT_EQ(medium["difficulty"], "medium");
  ASSERT_EQ(medium["escalations"].size(), 1u);
  EXPECT_EQ(medium["escalations"][0].get<std::string>().rfind("level 1:", 0), 0u)
      << medium["escalations"];
  EXPECT_NE(medium["escalations"][0].get<std::string>().find("reference_mismatch"),
            std::string::npos);
  EXPECT_GE(medium["chunks_relevant"].get<int>(), 1);
  // One relevance call per chunk, all of them the second question's level-2 reading.
  EXPECT_EQ(server.request_count("relevance"), medium["chunks_total"].get<int>());
  EXPECT_EQ(server.request_count("answer"), 3);
  // The level-2 record's cost includes its level-1 attempt (keywords, answer, judge);
  // only the document's map is paid by no record.
  EXPECT_EQ(easy["llm_calls"].get<int>() + medium["llm_calls"].get<int>(),
            server.request_count() - server.request_count("map"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/out/rejected.jsonl") &&
               !ReadLines(dir + "/out/rejected.jsonl").empty());
}

// The closed-book check: the model "remembers" the answer to the second question, so
// that sample teaches nothing about reading and is rejected; the first is kept. With
// --closed-book off both are kept and no question goes out without its document.
TEST(LlmRun, AQuestionAnsweredFromMemoryIsRejected) {
  const std::string dir = TempDir();
  WriteSyntheticDocuments(dir + "/docs.jsonl", 1, 2, 40);
  auto doc = nlohmann::json::parse(ReadLines(dir + "/docs.jsonl").at(0));
  for (auto& q : doc["questions"]) q["answer"] = "Copper ingots.";
  std::ofstream(dir + "/docs.jsonl") << doc.dump() << "\n";
  FakeLlmServer server([&](const FakeRequest& r) {
    const std::string& user = r.messages.back().content;
    if (r.stage == "closedbook" && user.find("Marlin0x1 carry?") != std::string::npos) {
      return FakeReply::Content("Copper ingots.");
    }
    return Script(r, 0ms);
  });
  auto r = RunCommand(RunArgs(dir, dir + "/docs.jsonl", server), 120s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server.request_count("closedbook"), 2);
  auto accepted = ReadLines(dir + "/out/dataset.jsonl");
  ASSERT_EQ(accepted.size(), 1u) << r.out;
  auto kept = nlohmann::json::parse(accepted[0]);
  EXPECT_NE(kept["messages"][0]["content"].get<std::string>().find("Marlin0x0 carry?"),
            std::string::npos);
  EXPECT_EQ(kept["meta"]["closed_book_answer"], "I don't know.");
  const auto rejected = ReadLines(dir + "/out/rejected.jsonl");
  ASSERT_EQ(rejected.size(), 1u);
  const auto known = nlohmann::json::parse(rejected[0]);
  EXPECT_EQ(known["meta"]["reasons"], nlohmann::json::array({"answerable_without_document"}));
  EXPECT_EQ(known["meta"]["closed_book_answer"], "Copper ingots.");
  EXPECT_EQ(known["meta"]["level"], 1);  // not sent up a level: reading cannot help

  const std::string off = dir + "/off";
  std::filesystem::create_directories(off);
  std::filesystem::copy_file(dir + "/docs.jsonl", off + "/docs.jsonl");
  FakeLlmServer second([&](const FakeRequest& req) { return Script(req, 0ms); });
  auto args = RunArgs(off, off + "/docs.jsonl", second);
  args.insert(args.end(), {"--closed-book", "off"});
  r = RunCommand(args, 120s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(second.request_count("closedbook"), 0);
  accepted = ReadLines(off + "/out/dataset.jsonl");
  ASSERT_EQ(accepted.size(), 2u);
  EXPECT_TRUE(nlohmann::json::parse(accepted[0])["meta"]["closed_book_answer"].is_null());
}

// Unread chunks of the records in `path` (lost + failed + malformed), per record.
std::vector<int> UnreadPerRecord(const std::string& path) {
  std::vector<int> out;
  for (const auto& line : ReadLines(path)) {
    const auto meta = nlohmann::json::parse(line)["meta"];
    out.push_back(meta["chunks_lost"].get<int>() + meta["chunks_failed"].get<int>() +
                  meta["chunks_malformed"].get<int>());
  }
  return out;
}

// The reproduction: a 600 kB slice of Moby Dick, four questions, an LLM
// serving about 40 calls/s and --gather-timeout 15. With the deadline counted from a
// task's first result, every task was answered with 67 of 219 chunks lost and
// accepted. Counted from its last progress, every chunk is read.
TEST(LlmRun, ASlowServerDoesNotCutLongDocumentsShort) {
  const std::string book =
      std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/books/en_moby_dick_pg2701.txt";
  if (!std::filesystem::exists(book)) GTEST_SKIP() << book << " is absent; needs ../shared/data";
  const std::string dir = TempDir();
  std::ifstream in(book);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.resize(600'000);
  const nlohmann::json doc = {{"id", "moby-slice"},
                              {"text", text},
                              {"questions",
                               {{{"question", "What is the name of Ahab's ship?"}},
                                {{"question", "Who is Queequeg?"}},
                                {{"question", "Where does Ishmael sign on?"}},
                                {{"question", "What does Ishmael do when he feels low?"}}}}};
  std::ofstream(dir + "/book.jsonl") << doc.dump() << "\n";
  // 4 requests in flight, 100 ms each: about 40 calls/s.
  FakeLlmServer server([](const FakeRequest& r) { return Script(r, 100ms); });
  auto args = RunArgs(dir, dir + "/book.jsonl", server);
  args.erase(args.begin() + 9, args.begin() + 11);  // the default chunk size, as reported
  args.insert(args.end(), {"--gather-timeout", "15"});
  const auto r = RunCommand(args, 300s);
  ASSERT_NE(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "tasks:          4 (ended 4)")) << r.out;
  EXPECT_TRUE(Contains(r.out, "unread chunks:  none of ")) << r.out;
  auto unread = UnreadPerRecord(dir + "/out/dataset.jsonl");
  for (int n : UnreadPerRecord(dir + "/out/rejected.jsonl")) unread.push_back(n);
  EXPECT_EQ(unread, std::vector<int>(4, 0));
  EXPECT_GE(server.request_count("relevance"), 4 * 200) << "every chunk read for every question";
}

// A chunk whose result never comes before the deadline is lost, and the record that
// misses it is rejected as incomplete_reading, with the count in the summary.
TEST(LlmRun, AStalledChunkIsLostAndItsRecordRejected) {
  const std::string dir = TempDir();
  WriteSyntheticDocuments(dir + "/docs.jsonl", 1, 1, 40);
  std::atomic<int> relevance{0};
  FakeLlmServer server([&](const FakeRequest& r) {
    // The first relevance call hangs past the 2 s deadline (the others keep coming).
    const bool stall = r.stage == "relevance" && relevance++ == 0;
    return Script(r, stall ? 8000ms : 0ms);
  });
  auto args = RunArgs(dir, dir + "/docs.jsonl", server);
  args.insert(args.end(), {"--gather-timeout", "2"});
  const auto r = RunCommand(args, 120s);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // a rejected sample is a result, not a fault
  EXPECT_TRUE(Contains(r.out, "incomplete_reading: 1")) << r.out;
  EXPECT_TRUE(Contains(r.out, "unread chunks:  1 of ")) << r.out;
  EXPECT_TRUE(Contains(r.out, "(lost 1, failed 0, malformed 0), in 1 of 1 records")) << r.out;
  EXPECT_EQ(UnreadPerRecord(dir + "/out/rejected.jsonl"), std::vector<int>{1});
}

// The second case: two chunks the server refuses (HTTP 400) are not dropped
// without a word. The record is rejected unless --max-unread-share allows them.
TEST(LlmRun, RefusedAndUnreadableChunksRejectTheRecord) {
  for (const std::string share : {"0", "0.5"}) {
    SCOPED_TRACE("--max-unread-share " + share);
    const std::string dir = TempDir() + "-" + share;
    std::filesystem::create_directories(dir);
    WriteSyntheticDocuments(dir + "/docs.jsonl", 1, 1, 40);
    std::atomic<int> relevance{0};
    FakeLlmServer server([&](const FakeRequest& r) {
      if (r.stage == "relevance") {
        const int n = relevance++;
        if (n < 2) return FakeReply::Status(400, "prompt rejected by the content filter");
        if (n == 2) return FakeReply::Content("```\n```");
      }
      return Script(r, 0ms);
    });
    auto args = RunArgs(dir, dir + "/docs.jsonl", server);
    args.insert(args.end(), {"--max-unread-share", share});
    const auto r = RunCommand(args, 120s);
    EXPECT_TRUE(Contains(r.out, "(lost 0, failed 2, malformed 1), in 1 of 1 records")) << r.out;
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    if (share == "0") {
      EXPECT_TRUE(Contains(r.out, "incomplete_reading: 1")) << r.out;
      EXPECT_EQ(UnreadPerRecord(dir + "/out/rejected.jsonl"), std::vector<int>{3});
    } else {
      EXPECT_EQ(UnreadPerRecord(dir + "/out/dataset.jsonl"), std::vector<int>{3});
    }
  }
}

// --answer-llm-* configure the answer stage alone: the questioner still generates
// questions extractively and the filter judges by its rules, neither calling the server.
TEST(LlmRun, AnswerLlmFlagsLeaveTheQuestionerAndTheFilterExtractive) {
  const std::string dir = TempDir();
  FakeLlmServer server([](const FakeRequest& r) { return Script(r, 0ms); });
  const auto r =
      RunCommand({LongforgeBinary(), "run", "--input",
                  std::string(LONGFORGE_SOURCE_DIR) + "/examples/docs/field-notes.txt", "--out",
                  dir + "/out", "--store", dir + "/store", "--no-progress", "--questions-per-doc",
                  "2", "--answer-llm-url", server.base_url(), "--answer-llm-model", "answer-model"},
                 120s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("questions generated by extractive (no LLM)"), std::string::npos) << r.out;
  EXPECT_NE(
      r.out.find("backend:        mapper, questioner, relevance, filter: extractive (no LLM); "
                 "answer: llm:answer-model at " +
                 server.base_url() + "\n"),
      std::string::npos)
      << r.out;
  EXPECT_GT(server.request_count(), 0) << "the answer stage should have called the server";
  EXPECT_EQ(server.request_count("question"), 0);
  EXPECT_EQ(server.request_count("judge"), 0);
  EXPECT_EQ(server.request_count("relevance"), 0);
  for (const auto& line : ReadLines(dir + "/out/dataset.jsonl")) {
    EXPECT_EQ(nlohmann::json::parse(line)["meta"]["origin"], "generated");
  }
}

}  // namespace
}  // namespace longforge::testing
