#include "support/fake_llm_server.h"

#include "longforge/llm/openai_protocol.h"

#include <httplib.h>
#include <sys/socket.h>

#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

namespace longforge::testing {
namespace {

constexpr int kHandlerThreads = 96;  // above the client's default concurrency of 64
constexpr int kListenBacklog = 1024;

// A rough count for the usage block: tests only need it non-zero and deterministic.
int ApproxTokens(std::size_t bytes) { return static_cast<int>(bytes / 4 + 1); }

std::string CompletionBody(const FakeRequest& request, const FakeReply& reply) {
  std::size_t prompt_bytes = 0;
  for (const llm::ChatMessage& m : request.messages) prompt_bytes += m.content.size();
  const int prompt = ApproxTokens(prompt_bytes);
  const int completion = ApproxTokens(reply.content.size());
  std::string body =
      llm::EncodeChatCompletion(request.model, reply.content, static_cast<std::size_t>(prompt),
                                static_cast<std::size_t>(completion));
  if (reply.finish_reason == "stop") return body;
  nlohmann::json doc = nlohmann::json::parse(body);
  doc["choices"][0]["finish_reason"] = reply.finish_reason;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

FakeRequest ParseRequest(const std::string& body) {
  FakeRequest request;
  request.body = body;
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return request;
  if (const auto it = doc.find("model"); it != doc.end() && it->is_string()) {
    request.model = it->get<std::string>();
  }
  if (const auto it = doc.find("messages"); it != doc.end() && it->is_array()) {
    for (const nlohmann::json& m : *it) {
      if (!m.is_object()) continue;
      request.messages.push_back({m.value("role", ""), m.value("content", "")});
    }
  }
  return request;
}

}  // namespace

FakeReply FakeReply::Content(std::string text) {
  FakeReply reply;
  reply.content = std::move(text);
  return reply;
}

FakeReply FakeReply::Status(int status, std::string body) {
  FakeReply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

FakeReply FakeReply::RateLimited(int seconds) {
  FakeReply reply = Status(429, R"({"error":{"message":"rate limited"}})");
  reply.retry_after_seconds = seconds;
  return reply;
}

FakeReply FakeReply::NotJson() {
  FakeReply reply;
  reply.mode = Mode::kMalformed;
  return reply;
}

FakeReply FakeReply::EmptyChoices() {
  return Status(200, R"({"id":"chatcmpl-empty","object":"chat.completion","choices":[]})");
}

FakeReply FakeReply::Truncated(std::string text) {
  FakeReply reply = Content(std::move(text));
  reply.finish_reason = "length";
  return reply;
}

FakeReply FakeReply::DropMidBody() {
  FakeReply reply;
  reply.mode = Mode::kDrop;
  return reply;
}

FakeReply FakeReply::Hang(std::chrono::milliseconds delay, std::string text) {
  FakeReply reply = Content(std::move(text));
  reply.delay = delay;
  return reply;
}

FakeLlmServer::FakeLlmServer(Handler handler)
    : server_(std::make_unique<httplib::Server>()), handler_(std::move(handler)) {
  if (!handler_) handler_ = [](const FakeRequest&) { return FakeReply::Content("ok"); };
  // httplib takes ownership of the queue it is handed.
  server_->new_task_queue = [] { return new httplib::ThreadPool(kHandlerThreads); };
  // Headers and body go out in two writes; without NODELAY the body waits for the
  // client's delayed ACK (~40 ms), which would dwarf the latencies tests script.
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(100'000);
  server_->set_keep_alive_timeout(30);
  server_->Post(
      "/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
        FakeReply reply;
        const std::string out = Handle(req.body, req.get_header_value("X-Longforge-Stage"),
                                       req.get_header_value("Authorization"), &reply);
        if (reply.retry_after_seconds) {
          res.set_header("Retry-After", std::to_string(*reply.retry_after_seconds));
        }
        switch (reply.mode) {
          case FakeReply::Mode::kNormal:
            res.status = reply.status;
            res.set_content(out, "application/json");
            break;
          case FakeReply::Mode::kMalformed:
            res.status = 200;
            res.set_content("{\"choices\": this is not json", "application/json");
            break;
          case FakeReply::Mode::kDrop:
            // Headers promise a body that never comes: the provider's refusal makes
            // httplib close the connection, which the client sees as a transfer error.
            res.status = 200;
            res.set_content_provider(
                1024, "application/json",
                [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
            break;
        }
      });
  server_->Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
    res.status = models_status_.load();
    res.set_content(res.status == 200
                        ? R"({"object":"list","data":[{"id":"fake-model","object":"model"}]})"
                        : R"({"error":{"message":"scripted"}})",
                    "application/json");
  });
  // This httplib build listens with a backlog of 5: a burst of connects overflows it and
  // the kernel's SYN retry adds a second per connection. Keep the listening socket's fd
  // to raise the backlog once bound.
  socket_t listen_fd = INVALID_SOCKET;
  server_->set_socket_options([&listen_fd](socket_t fd) {
    httplib::default_socket_options(fd);
    listen_fd = fd;
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("FakeLlmServer: cannot bind 127.0.0.1");
  ::listen(listen_fd, kListenBacklog);
  server_->set_socket_options(httplib::default_socket_options);
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_returned_ = true;
  });
  // httplib's stop() is a no-op until the listen loop runs, so a server destroyed right
  // after construction would never stop: wait for the loop.
  while (!server_->is_running() && !listen_returned_)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeLlmServer::~FakeLlmServer() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  stopped_cv_.notify_all();
  server_->stop();
  thread_.join();
}

void FakeLlmServer::SetHandler(Handler handler) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
}

std::string FakeLlmServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

int FakeLlmServer::request_count() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(requests_.size());
}

int FakeLlmServer::request_count(const std::string& stage) const {
  std::lock_guard lock(mu_);
  const auto it = per_stage_.find(stage);
  return it == per_stage_.end() ? 0 : it->second;
}

std::vector<FakeRequest> FakeLlmServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::string FakeLlmServer::Handle(const std::string& body, const std::string& stage,
                                  const std::string& authorization, FakeReply* reply) {
  const int now = ++in_flight_;
  int seen = max_concurrent_.load();
  while (now > seen && !max_concurrent_.compare_exchange_weak(seen, now)) {
  }
  FakeRequest request = ParseRequest(body);
  request.stage = stage;
  request.authorization = authorization;
  Handler handler;
  {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    ++per_stage_[stage];
    handler = handler_;
  }
  *reply = handler(request);
  if (reply->delay.count() > 0) SleepUnlessStopped(reply->delay);
  std::string out = reply->body;
  if (out.empty() && reply->status == 200) out = CompletionBody(request, *reply);
  --in_flight_;
  return out;
}

void FakeLlmServer::SleepUnlessStopped(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  stopped_cv_.wait_for(lock, delay, [this] { return stopped_; });
}

}  // namespace longforge::testing
