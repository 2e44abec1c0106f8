// Load client for sim_llm_server: keeps --concurrency relevance-shaped requests in flight
// through longforge's own HttpChatClient (curl multi, one thread) until --requests have
// completed, then prints one JSON line: requests/s and the client's CPU per request.
// bench/run.sh uses it to measure the simulator's capacity alone.

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "longforge/llm/http_chat_client.h"

namespace {

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// A relevance prompt with a passage of about `bytes` bytes of prose.
longforge::llm::ChatRequest RelevanceRequest(std::size_t bytes) {
  std::string passage;
  while (passage.size() < bytes) {
    passage += "The clerks noted the harbour traffic, the tides and the weather for the week. ";
  }
  longforge::llm::ChatRequest r;
  r.kind = longforge::llm::CallKind::kRelevance;
  r.messages = {{"system", "Copy the sentences of the passage that help, or write NONE."},
                {"user", "<passage>\n" + passage +
                             "\n</passage>\n\nQuestion: What cargo did the vessel carry?"}};
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  int requests = 20'000;
  int concurrency = 64;
  std::size_t prompt_bytes = 3'000;
  CLI::App app{"Drives sim_llm_server at a fixed concurrency; prints requests/s as JSON"};
  app.add_option("--url", url, "Server base URL ending in /v1")->required();
  app.add_option("--requests", requests, "Requests to complete")->check(CLI::PositiveNumber);
  app.add_option("--concurrency", concurrency, "Requests in flight")->check(CLI::PositiveNumber);
  app.add_option("--prompt-bytes", prompt_bytes, "Passage bytes per request");
  CLI11_PARSE(app, argc, argv);

  longforge::llm::HttpChatClientOptions options;
  options.base_url = url;
  options.model = "sim";
  options.concurrency = concurrency;
  options.max_attempts = 1;
  auto client = longforge::llm::HttpChatClient::Create(options);
  if (!client) {
    std::fprintf(stderr, "sim_load_client: %s\n", client.error().message.c_str());
    return 1;
  }
  const longforge::llm::ChatRequest prototype = RelevanceRequest(prompt_bytes);

  std::mutex mu;
  std::condition_variable cv;
  int submitted = 0;
  int completed = 0;
  std::atomic<int> errors = 0;
  // Submit one more request while fewer than `requests` were submitted; runs on the
  // caller's thread first, then on the client's thread from each callback.
  std::function<void()> submit_one = [&] {
    {
      std::lock_guard lock(mu);
      if (submitted == requests) return;
      ++submitted;
    }
    (*client)->Submit(prototype, [&](longforge::Result<longforge::llm::ChatResponse> r) {
      if (!r) ++errors;
      {
        std::lock_guard lock(mu);
        ++completed;
      }
      cv.notify_one();
      submit_one();
    });
  };

  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < concurrency; ++i) submit_one();
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return completed == requests; });
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  // Joins the client's thread, which may still be returning from the last callback.
  client->reset();
  const nlohmann::json out = {{"requests", requests},
                              {"concurrency", concurrency},
                              {"errors", errors.load()},
                              {"wall_s", wall},
                              {"requests_per_s", requests / wall},
                              {"client_cpu_us_per_request", cpu / requests * 1e6}};
  std::printf("%s\n", out.dump().c_str());
  return errors.load() == 0 ? 0 : 1;
}
