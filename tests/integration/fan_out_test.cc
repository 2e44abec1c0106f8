// The questioner's fan-out stays within --fan-out-bytes on the broker, measured from
// outside: an observer reads lf.relevance.requests and lf.relevance.results as they are
// written and, from the messages' timestamps, computes how many request bytes were on
// the broker unanswered at every moment. Before the gate, four 1M-token books with 20
// questions each put nearly their whole fan-out on the broker at once (see below).

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "cluster.h"
#include "longforge/envelope/messages.h"
#include "longforge/kafka/consumer.h"
#include "longforge/kafka/topics.h"
#include "support/subprocess.h"

namespace longforge::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Reads lf.relevance.requests and lf.relevance.results from the start while the
// pipeline runs. A request is on the broker from its timestamp until the first result
// for its (task, chunk): results are written with the credit that lets the questioner
// release more, so at equal timestamps a result counts first.
class BacklogObserver {
 public:
  explicit BacklogObserver(const std::string& brokers) {
    kafka::KafkaOptions k;
    k.brokers = brokers;
    k.properties = {{"topic.metadata.refresh.interval.ms", "100"}};
    kafka::ConsumerOptions c;
    c.group_id = "backlog-observer";
    c.topics = {kafka::kRelevanceRequests, kafka::kRelevanceResults};
    c.assign_directly = true;
    c.statistics_interval_ms = 0;
    auto consumer = kafka::Consumer::Create(k, c, nullptr, nullptr);
    if (!consumer) {
      error_ = consumer.error().message;
      return;
    }
    consumer_ = std::move(consumer.value());
    thread_ = std::thread([this] { Loop(); });
  }
  ~BacklogObserver() { Stop(); }

  const std::string& error() const { return error_; }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  struct Summary {
    std::size_t requests = 0, answered = 0;
    std::size_t peak_bytes = 0;  // most request bytes unanswered at once
    std::size_t total_bytes = 0;
  };
  Summary Summarize() const {
    std::lock_guard lock(mu_);
    // (time, +bytes) for a request, (time, -bytes) for its first result.
    std::vector<std::pair<int64_t, int64_t>> events;
    Summary s;
    for (const auto& [key, reqs] : requests_) {
      const auto res = results_.find(key);
      for (const auto& [ts, bytes] : reqs) {
        ++s.requests;
        s.total_bytes += bytes;
        events.emplace_back(ts, static_cast<int64_t>(bytes));
      }
      if (res == results_.end()) continue;
      // Pair the k-th request of a (task, chunk) with its k-th result.
      for (std::size_t i = 0; i < std::min(reqs.size(), res->second.size()); ++i) {
        ++s.answered;
        events.emplace_back(res->second[i], -static_cast<int64_t>(reqs[i].second));
      }
    }
    std::sort(events.begin(), events.end());  // results (negative) first at equal times
    int64_t now = 0, peak = 0;
    for (const auto& [ts, delta] : events) peak = std::max(peak, now += delta);
    s.peak_bytes = static_cast<std::size_t>(peak);
    return s;
  }

 private:
  void Loop() {
    while (!stop_) {
      auto polled = consumer_->Poll(50ms);
      if (!polled.ok() || !polled->has_value()) continue;
      const kafka::InMessage& m = **polled;
      std::lock_guard lock(mu_);
      if (m.topic == kafka::kRelevanceRequests) {
        auto req = envelope::DecodeRelevanceRequest(m.value);
        if (!req) continue;
        for (const auto& t : req->tasks) {
          // The request's bytes go to its first task (one per request here).
          requests_[{t.task_id, req->chunk.index}].emplace_back(
              m.timestamp_ms, &t == &req->tasks.front() ? m.key.size() + m.value.size() : 0);
        }
      } else {
        auto res = envelope::DecodeRelevanceResult(m.value);
        if (!res) continue;
        results_[{res->task.task_id, res->chunk.index}].push_back(m.timestamp_ms);
      }
    }
  }

  std::string error_;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  using Key = std::pair<std::string, uint32_t>;                           // task id, chunk
  std::map<Key, std::vector<std::pair<int64_t, std::size_t>>> requests_;  // guarded by mu_
  std::map<Key, std::vector<int64_t>> results_;                           // guarded by mu_
};

std::string BookPath(const std::string& name) {
  return std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/books/" + name;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `count` documents of `bytes` each (about 1M tokens at 4.3 MB of English), each a
// different sequence of the two English books, without supplied questions.
std::string WriteLongDocuments(const std::string& path, int count, std::size_t bytes) {
  const std::vector<std::string> books = {Slurp(BookPath("en_moby_dick_pg2701.txt")),
                                          Slurp(BookPath("en_war_and_peace_pg2600.txt"))};
  std::ofstream out(path);
  for (int i = 0; i < count; ++i) {
    std::string text;
    for (int k = i; text.size() < bytes; ++k) text += books[k % 2] + "\n\n";
    text.resize(bytes);
    // Cut at a line end so no UTF-8 sequence is split.
    text.resize(text.rfind('\n') + 1);
    out << nlohmann::json{{"id", "book" + std::to_string(i)}, {"text", text}}.dump() << "\n";
  }
  return path;
}

bool BooksPresent() {
  return fs::exists(BookPath("en_moby_dick_pg2701.txt")) &&
         fs::exists(BookPath("en_war_and_peace_pg2600.txt"));
}

// The scenario: four 1M-token books, 20 generated questions each (116,175
// relevance requests, 75 MB), through `run` on a broker the test watches. Measured
// before the gate (this test against the build of 59c2bc5): the requests backlog
// peaked at 68,924,199 bytes of 70,232,952 — nearly the whole fan-out at once. With
// the gate it peaked at 4,194,275 bytes, within the default --fan-out-bytes of 4 MiB,
// and every task still read every chunk.
TEST(FanOut, FourLongBooksStayWithinTheByteBoundAndEveryTaskCompletes) {
  if (!BooksPresent()) GTEST_SKIP() << "the English books are absent; needs ../shared/data";
  const std::string dir = TempDir();
#ifdef LONGFORGE_SANITIZED
  // A quarter of the work, against a bound a quarter as large: the same proportions in a
  // build that runs several times slower.
  constexpr std::size_t kBookBytes = 1'100'000, kBound = 1u << 20;
#else
  constexpr std::size_t kBookBytes = 4'300'000, kBound = 4u << 20;  // the default --fan-out-bytes
#endif
  const auto input = WriteLongDocuments(dir + "/books.jsonl", 4, kBookBytes);
  Cluster cluster(dir);
  std::string error;
  ASSERT_TRUE(cluster.StartBroker(error)) << error;
  BacklogObserver observer(cluster.brokers());
  ASSERT_TRUE(observer.error().empty()) << observer.error();

  const auto r = RunCommand({LongforgeBinary(), "run", "--brokers", cluster.brokers(), "-X",
                             "topic.metadata.refresh.interval.ms=100", "-i", input, "--store",
                             dir + "/store", "--out", dir + "/out", "--questions-per-doc", "20",
                             "--fan-out-bytes", std::to_string(kBound), "--no-progress"},
                            600s);
  ASSERT_NE(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "documents:      4 (0 dead-lettered")) << r.out;
  EXPECT_TRUE(Contains(r.out, "unread chunks:  none of ")) << r.out;
  EXPECT_TRUE(Contains(r.out, "dead-lettered:  0 tasks, 0 lf.dlq records")) << r.out;

  std::this_thread::sleep_for(1s);  // the observer's last reads
  observer.Stop();
  const auto s = observer.Summarize();
  std::cout << "relevance requests: " << s.requests << " (" << s.total_bytes << " bytes), answered "
            << s.answered << ", backlog peak " << s.peak_bytes << " bytes\n";
  // About 1,000 chunks per 4.3 MB book, 20 questions each.
  EXPECT_GT(s.requests, 4u * 19u * (kBookBytes / 4300))
      << "four long books, about 20 questions each";
  EXPECT_GT(s.total_bytes, 10 * kBound) << "the fan-out must dwarf the bound to show anything";
  EXPECT_EQ(s.answered, s.requests) << "every request was answered";
  EXPECT_LE(s.peak_bytes, kBound);
}

// Separate processes honour the bound the same way: the questioner worker releases
// within its --fan-out-bytes as the relevance worker's credits come back.
TEST(FanOut, SeparateWorkersStayWithinTheByteBound) {
  const std::string dir = TempDir();
  std::filesystem::create_directories(dir);
  WriteSyntheticDocuments(dir + "/docs.jsonl", 2, 6, 300);
  Cluster cluster(dir);
  std::string error;
  ASSERT_TRUE(cluster.StartBroker(error)) << error;
  BacklogObserver observer(cluster.brokers());
  ASSERT_TRUE(observer.error().empty()) << observer.error();

  constexpr std::size_t kBound = 32 * 1024;
  cluster.StartWorker("questioner", 0, {"--fan-out-bytes", std::to_string(kBound)});
  for (const char* stage : {"chunker", "mapper", "relevance", "answer", "filter", "sink"}) {
    cluster.StartWorker(stage);
  }
  const auto ingest = cluster.Ingest({dir + "/docs.jsonl"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out << ingest.err;
  ASSERT_TRUE(WaitFor([&] { return cluster.Written() >= 12; }, 240s)) << cluster.Logs();
  std::this_thread::sleep_for(1s);
  observer.Stop();
  const auto s = observer.Summarize();
  std::cout << "relevance requests: " << s.requests << " (" << s.total_bytes
            << " bytes), backlog peak " << s.peak_bytes << " bytes\n";
  EXPECT_GT(s.total_bytes, 4 * kBound) << "the fan-out must dwarf the bound to show anything";
  EXPECT_EQ(s.answered, s.requests);
  EXPECT_LE(s.peak_bytes, kBound);
}

}  // namespace
}  // namespace longforge::testing
