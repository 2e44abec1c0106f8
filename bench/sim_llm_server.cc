// A simulated OpenAI-compatible LLM server for the benchmarks (bench/run.sh): capacity
// C requests served at once (the rest queue, first come first served), each held for
// latency L plus an optional cost per prompt token (prefill), answering every stage's
// contract plausibly (sim_replies.h). Counts requests and prompt tokens per
// X-Longforge-Stage and reports them, with throughput, at GET /stats (?detail: every
// request's arrival and completion time, sorted); POST /reset zeroes
// the counters.
//
// It must not be what a benchmark measures, so it avoids what makes a naive loopback
// server slow: connections are kept alive (no churn), TCP_NODELAY is set (no ~40 ms
// Nagle/delayed-ACK stalls), the listen backlog is raised (httplib listens with 5), and
// the thread pool is larger than the connections clients open (httplib serves one
// keep-alive connection per thread). Prints the port on the first line of stdout.

#include <httplib.h>

#include <signal.h>
#include <sys/socket.h>
#include "longforge/llm/openai_protocol.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "sim_replies.h"

namespace longforge::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct SimOptions {
  int port = 0;               // TCP port on 127.0.0.1; 0 picks a free one. Default 0
  int capacity = 64;          // requests served at once (C); the rest queue. Default 64
  double latency_ms = 0.0;    // time each request holds its slot (L), in ms. Default 0
  double per_token_us = 0.0;  // extra slot time per prompt token, in µs (prefill). Default 0
  std::string marker;         // relevance quotes the sentence holding it. Default: none
  // Relevance, answer and judge read like a careful reader (sim_replies.h, careful::)
  // instead of looking for the marker. Default: off.
  bool careful = false;
  int threads = 0;     // HTTP threads, one per open connection; 0 = 4 × C + 64
  int backlog = 4096;  // listen backlog. Default 4096
  // Overload: more than this many waiting → the request is turned away with HTTP 503
  // at once (an overloaded gateway). -1: everyone waits. Default -1
  int max_queue = -1;
  // Capacity after a while: "S:C" lowers the capacity to C, S seconds after the start
  // (a node lost mid-run). Default: never
  std::string capacity_after;
  double drop_after_s = -1;  // parsed from capacity_after
  int dropped_capacity = 0;

  std::vector<std::string> Problems() const {
    std::vector<std::string> p;
    if (port < 0 || port > 65535) p.push_back("--port must be 0..65535");
    if (capacity < 1 || capacity > 100'000) p.push_back("--capacity must be 1..100000");
    if (latency_ms < 0 || per_token_us < 0) p.push_back("--latency-ms/--per-token-us < 0");
    if (threads < 0 || backlog < 1) p.push_back("--threads must be >= 0, --backlog >= 1");
    if (max_queue < -1) p.push_back("--max-queue must be >= -1");
    if (!capacity_after.empty() && (drop_after_s < 0 || dropped_capacity < 1)) {
      p.push_back("--capacity-after must be SECONDS:CAPACITY, e.g. 5:16");
    }
    return p;
  }
};

// At most `capacity` holders at once; waiters are admitted in arrival order, each woken
// alone (a release hands its slot to the oldest waiter).
class Slots {
 public:
  explicit Slots(int capacity) : capacity_(capacity) {}

  // False: more than `max_queue` (>= 0) are waiting already; the caller turns it away.
  bool Acquire(int max_queue) {
    std::unique_lock lock(mu_);
    if (busy_ < capacity_ && queue_.empty()) {
      ++busy_;
      max_busy_ = std::max(max_busy_, busy_);
      return true;
    }
    if (max_queue >= 0 && queue_.size() >= static_cast<std::size_t>(max_queue)) {
      ++turned_away_;
      return false;
    }
    Waiter w;
    queue_.push_back(&w);
    max_queued_ = std::max(max_queued_, queue_.size());
    w.cv.wait(lock, [&] { return w.admitted; });
    return true;
  }

  // From now on at most `capacity` are served at once (those in service finish).
  void SetCapacity(int capacity) {
    std::lock_guard lock(mu_);
    capacity_ = capacity;
  }

  void Release() {
    std::lock_guard lock(mu_);
    if (queue_.empty() || busy_ > capacity_) {
      --busy_;  // over a lowered capacity: the slot goes away
      return;
    }
    Waiter* next = queue_.front();
    queue_.pop_front();
    next->admitted = true;
    next->cv.notify_one();
  }

  nlohmann::json Json() {
    std::lock_guard lock(mu_);
    return {{"capacity", capacity_},
            {"max_in_service", max_busy_},
            {"max_queued", max_queued_},
            {"turned_away", turned_away_}};
  }

  void Reset() {
    std::lock_guard lock(mu_);
    max_busy_ = busy_;
    max_queued_ = queue_.size();
    turned_away_ = 0;
  }

 private:
  struct Waiter {
    std::condition_variable cv;
    bool admitted = false;
  };
  int capacity_;  // guarded by mu_
  std::mutex mu_;
  std::deque<Waiter*> queue_;
  int busy_ = 0;
  int max_busy_ = 0;
  std::size_t max_queued_ = 0;
  uint64_t turned_away_ = 0;
};

// Per-stage counters and completion times (seconds since the last reset).
class StageStats {
 public:
  void Record(const std::string& stage, double arrived_s, double done_s, std::size_t prompt,
              std::size_t completion) {
    std::lock_guard lock(mu_);
    Stage& s = stages_[stage.empty() ? "unknown" : stage];
    if (s.requests == 0 || arrived_s < s.first_arrival_s) s.first_arrival_s = arrived_s;
    s.last_done_s = std::max(s.last_done_s, done_s);
    ++s.requests;
    s.prompt_tokens += prompt;
    s.completion_tokens += completion;
    s.done_s.push_back(done_s);
    s.arrived_s.push_back(arrived_s);
  }

  double Since(Clock::time_point t) {
    std::lock_guard lock(mu_);
    return std::chrono::duration<double>(t - origin_).count();
  }

  void Reset() {
    std::lock_guard lock(mu_);
    stages_.clear();
    origin_ = Clock::now();
  }

  // busy_rate: requests ÷ (last completion − first arrival); steady_rate: the middle
  // 80% of completions ÷ the time they took, which leaves out ramp-up and drain.
  nlohmann::json Json(bool detail = false) {
    std::lock_guard lock(mu_);
    nlohmann::json out = nlohmann::json::object();
    std::uint64_t requests = 0, prompt = 0, completion = 0;
    for (auto& [name, s] : stages_) {
      std::vector<double> done = s.done_s;
      std::sort(done.begin(), done.end());
      const double busy = s.last_done_s - s.first_arrival_s;
      const std::size_t lo = done.size() / 10, hi = done.size() * 9 / 10;
      const double steady_s = done.empty() ? 0.0 : done[hi == 0 ? 0 : hi - 1] - done[lo];
      out[name] = {
          {"requests", s.requests},
          {"prompt_tokens", s.prompt_tokens},
          {"completion_tokens", s.completion_tokens},
          {"first_arrival_s", s.first_arrival_s},
          {"last_done_s", s.last_done_s},
          {"busy_rate", busy > 0 ? static_cast<double>(s.requests) / busy : 0.0},
          {"steady_rate", steady_s > 0 ? static_cast<double>(hi - 1 - lo) / steady_s : 0.0}};
      if (detail) {
        std::vector<double> arrived = s.arrived_s;
        std::sort(arrived.begin(), arrived.end());
        out[name]["arrived_s"] = arrived;
        out[name]["done_s"] = done;
      }
      requests += s.requests;
      prompt += s.prompt_tokens;
      completion += s.completion_tokens;
    }
    return {
        {"stages", out},
        {"total",
         {{"requests", requests}, {"prompt_tokens", prompt}, {"completion_tokens", completion}}}};
  }

 private:
  struct Stage {
    std::uint64_t requests = 0, prompt_tokens = 0, completion_tokens = 0;
    double first_arrival_s = 0, last_done_s = 0;
    std::vector<double> done_s;
    std::vector<double> arrived_s;
  };
  std::mutex mu_;
  Clock::time_point origin_ = Clock::now();
  std::map<std::string, Stage> stages_;
};

std::string Completion(const std::string& model, const std::string& content, std::size_t prompt,
                       std::size_t completion) {
  return llm::EncodeChatCompletion(model, content, prompt, completion);
}

class SimServer {
 public:
  explicit SimServer(const SimOptions& options) : options_(options), slots_(options.capacity) {
    const int threads = options.threads > 0 ? options.threads : 4 * options.capacity + 64;
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_.set_tcp_nodelay(true);
    server_.set_keep_alive_max_count(1'000'000);
    server_.set_keep_alive_timeout(300);
    server_.set_read_timeout(300);
    server_.Post("/v1/chat/completions",
                 [this](const httplib::Request& req, httplib::Response& res) { Chat(req, res); });
    server_.Get("/stats", [this](const httplib::Request& req, httplib::Response& res) {
      nlohmann::json j = stats_.Json(req.has_param("detail"));
      j["server"] = slots_.Json();
      j["server"]["latency_ms"] = options_.latency_ms;
      j["server"]["per_token_us"] = options_.per_token_us;
      res.set_content(j.dump(), "application/json");
    });
    server_.Post("/reset", [this](const httplib::Request&, httplib::Response& res) {
      stats_.Reset();
      slots_.Reset();
      res.set_content("{}", "application/json");
    });
  }

  // Binds 127.0.0.1:port (0 = any free port) with a large backlog; the bound port.
  int Bind() {
    socket_t listen_fd = INVALID_SOCKET;
    server_.set_socket_options([&listen_fd](socket_t fd) {
      httplib::default_socket_options(fd);
      listen_fd = fd;
    });
    const int port = options_.port == 0
                         ? server_.bind_to_any_port("127.0.0.1")
                         : (server_.bind_to_port("127.0.0.1", options_.port) ? options_.port : -1);
    if (port > 0) ::listen(listen_fd, options_.backlog);
    server_.set_socket_options(httplib::default_socket_options);
    return port;
  }

  void Serve() {
    std::thread drop;
    if (options_.drop_after_s >= 0) {
      drop = std::thread([this] {
        std::unique_lock lock(stop_mu_);
        const auto after = std::chrono::duration<double>(options_.drop_after_s);
        if (!stop_cv_.wait_for(lock, after, [this] { return stopping_; })) {
          slots_.SetCapacity(options_.dropped_capacity);
        }
      });
    }
    server_.listen_after_bind();
    {
      std::lock_guard lock(stop_mu_);
      stopping_ = true;
    }
    stop_cv_.notify_all();
    if (drop.joinable()) drop.join();
  }
  void Stop() { server_.stop(); }

 private:
  void Chat(const httplib::Request& req, httplib::Response& res) {
    const double arrived = stats_.Since(Clock::now());
    const nlohmann::json doc = nlohmann::json::parse(req.body, nullptr, false);
    if (!doc.is_object() || !doc.contains("messages") || !doc["messages"].is_array()) {
      res.status = 400;
      res.set_content(R"({"error":{"message":"messages missing"}})", "application/json");
      return;
    }
    std::size_t prompt_bytes = 0;
    std::string user;
    for (const nlohmann::json& m : doc["messages"]) {
      if (!m.is_object() || !m.contains("content") || !m["content"].is_string()) continue;
      const std::string& content = m["content"].get_ref<const std::string&>();
      prompt_bytes += content.size();
      if (m.value("role", "") == "user") user = content;
    }
    const std::string stage = req.get_header_value("X-Longforge-Stage");
    std::string reply;
    if (options_.careful && (stage == "relevance" || stage == "answer" || stage == "judge")) {
      reply = stage == "relevance" ? careful::RelevanceReply(user)
              : stage == "answer"  ? careful::AnswerReply(user)
                                   : careful::JudgeReply(user);
    } else if (stage == "relevance") {
      reply = RelevanceReply(user, options_.marker);
    } else if (stage == "keywords") {
      reply = KeywordsReply(user);
    } else if (stage == "map") {
      reply = MapReply(user);
    } else if (stage == "route") {
      reply = RouteReply(user);
    } else if (stage == "reduce") {
      reply = ReduceReply(user);
    } else if (stage == "closedbook") {
      reply = "I don't know.";  // the simulator has read nothing: it knows no answer
    } else {
      reply = AnswerReply(user, options_.marker);
    }
    const std::size_t prompt = ApproxTokens(prompt_bytes);
    const std::size_t completion = ApproxTokens(reply.size());
    const auto hold = std::chrono::duration<double, std::micro>(
        options_.latency_ms * 1000.0 + options_.per_token_us * static_cast<double>(prompt));
    if (!slots_.Acquire(options_.max_queue)) {
      res.status = 503;
      res.set_content(R"({"error":{"message":"overloaded, try again later"}})", "application/json");
      return;
    }
    if (hold.count() > 0) std::this_thread::sleep_for(hold);
    slots_.Release();
    res.set_content(Completion(doc.value("model", "sim"), reply, prompt, completion),
                    "application/json");
    stats_.Record(stage, arrived, stats_.Since(Clock::now()), prompt, completion);
  }

  const SimOptions options_;
  httplib::Server server_;
  Slots slots_;
  StageStats stats_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
};

}  // namespace
}  // namespace longforge::bench

int main(int argc, char** argv) {
  longforge::bench::SimOptions options;
  CLI::App app{"Simulated OpenAI-compatible LLM server for longforge's benchmarks"};
  app.add_option("--port", options.port, "TCP port on 127.0.0.1; 0 picks one (printed)");
  app.add_option("--capacity", options.capacity, "Requests served at once (C)");
  app.add_option("--latency-ms", options.latency_ms, "Milliseconds per request (L)");
  app.add_option("--per-token-us", options.per_token_us, "Extra microseconds per prompt token");
  app.add_option("--marker", options.marker, "Relevance quotes the sentence holding this");
  app.add_flag("--careful-reader", options.careful,
               "Relevance, answer and judge read like a careful reader: the sentences holding "
               "most of the question's terms (for questions written from one sentence)");
  app.add_option("--threads", options.threads, "HTTP threads; 0 = 4 x capacity + 64");
  app.add_option("--backlog", options.backlog, "Listen backlog");
  app.add_option("--max-queue", options.max_queue,
                 "Requests allowed to wait; beyond, HTTP 503 at once (-1: all wait)");
  app.add_option("--capacity-after", options.capacity_after,
                 "SECONDS:CAPACITY: lower the capacity to CAPACITY that long after the start");
  CLI11_PARSE(app, argc, argv);
  if (!options.capacity_after.empty()) {
    const auto colon = options.capacity_after.find(':');
    try {
      if (colon != std::string::npos) {
        options.drop_after_s = std::stod(options.capacity_after.substr(0, colon));
        options.dropped_capacity = std::stoi(options.capacity_after.substr(colon + 1));
      }
    } catch (const std::exception&) {
      options.drop_after_s = -1;  // reported by Problems()
    }
  }
  if (const auto problems = options.Problems(); !problems.empty()) {
    for (const auto& p : problems) std::fprintf(stderr, "sim_llm_server: %s\n", p.c_str());
    return 1;
  }
  // Stop on SIGINT/SIGTERM from a thread of our own: httplib's stop() is not
  // async-signal-safe.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  longforge::bench::SimServer server(options);
  const int port = server.Bind();
  if (port <= 0) {
    std::fprintf(stderr, "sim_llm_server: cannot bind 127.0.0.1:%d\n", options.port);
    return 1;
  }
  std::printf("%d\n", port);
  std::fflush(stdout);
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.Stop();
  });
  server.Serve();
  stopper.detach();  // still in sigwait when listening failed
  return 0;
}
