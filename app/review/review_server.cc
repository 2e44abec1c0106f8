#include "review/review_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "longforge/common/utf8.h"
#include "review/review_page.h"
#include "review/sample_view.h"

namespace longforge::review {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxBodyBytes = 2 << 20;  // an edited answer is at most 1 MiB
constexpr std::size_t kDefaultRows = 100, kMaxRows = 1000;
constexpr std::size_t kSnippetBytes = 400;

void Reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

void Fail(httplib::Response& res, int status, const std::string& message) {
  Reply(res, status, json{{"error", message}});
}

std::string Snippet(const std::string& text) {
  return text.substr(0, CodePointPrefix(text, kSnippetBytes));
}

bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;  // every byte compared: the time says nothing of the token
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::optional<std::size_t> ParseCount(const std::string& text) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

bool IsLoopback(const std::string& address) {
  if (address == "localhost" || address == "::1") return true;
  in_addr v4{};
  return ::inet_pton(AF_INET, address.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

std::vector<std::string> ReviewServerOptions::Validate() const {
  std::vector<std::string> problems;
  if (address.empty()) problems.push_back("--addr is empty");
  if (port < 0 || port > 65535) problems.push_back("--port must be 0..65535");
  if (!IsLoopback(address) && token.empty()) {
    problems.push_back("--addr " + address + " is not loopback: a --token is required");
  }
  if (token.find_first_of(" \t\r\n") != std::string::npos) {
    problems.push_back("--token must not contain whitespace");
  }
  return problems;
}

ReviewServer::ReviewServer(ReviewServerOptions options, const SampleIndex& index, DecisionLog& log,
                           const store::DocumentStore* store)
    : options_(std::move(options)),
      index_(index),
      log_(log),
      store_(store),
      http_(std::make_unique<httplib::Server>()) {}

ReviewServer::~ReviewServer() {
  http_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string ReviewServer::Url() const {
  const std::string host = options_.address.find(':') != std::string::npos
                               ? "[" + options_.address + "]"
                               : options_.address;
  std::string url = "http://" + host + ":" + std::to_string(port_) + "/";
  if (!options_.token.empty()) url += "?token=" + options_.token;
  return url;
}

Result<std::unique_ptr<ReviewServer>> ReviewServer::Start(const ReviewServerOptions& options,
                                                          const SampleIndex& index,
                                                          DecisionLog& log,
                                                          const store::DocumentStore* store) {
  if (auto s = InvalidOptions("review server", options.Validate()); !s) return s.error();
  std::unique_ptr<ReviewServer> server(new ReviewServer(options, index, log, store));
  server->Route();
  httplib::Server& http = *server->http_;
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const std::string bind = options.address + ":" + std::to_string(options.port);
  if (options.port == 0) {
    server->port_ = http.bind_to_any_port(options.address);
  } else if (http.bind_to_port(options.address, options.port)) {
    server->port_ = options.port;
  }
  if (server->port_ <= 0) return Error::Stop("review: cannot listen on " + bind + " (in use?)");
  ReviewServer* self = server.get();
  server->thread_ = std::thread([self] { self->http_->listen_after_bind(); });
  // stop() does nothing until the listen loop runs: wait for it.
  while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return server;
}

void ReviewServer::Route() {
  httplib::Server& http = *http_;
  http.set_payload_max_length(kMaxBodyBytes);

  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    using R = httplib::Server::HandlerResponse;
    if (IsLoopback(options_.address)) {
      const std::string host = req.get_header_value("Host");
      const std::string port = ":" + std::to_string(port_);
      bool ok = false;
      for (const char* name : {"127.0.0.1", "localhost", "[::1]"}) {
        ok = ok || host == name + port || host == name;
      }
      if (!ok && host != options_.address + port) {
        Fail(res, 403, "Host \"" + host + "\" is not this server's loopback address");
        return R::Handled;
      }
    }
    if (!options_.token.empty()) {
      const std::string auth = req.get_header_value("Authorization");
      const bool by_header =
          auth.starts_with("Bearer ") && SameSecret(auth.substr(7), options_.token);
      const bool by_query = req.method == "GET" && req.path == "/" &&
                            SameSecret(req.get_param_value("token"), options_.token);
      if (!by_header && !by_query) {
        res.set_header("WWW-Authenticate", "Bearer");
        Fail(res, 401,
             auth.empty() ? "this server needs a bearer token (Authorization: Bearer …)"
                          : "wrong bearer token");
        return R::Handled;
      }
    }
    return R::Unhandled;
  });
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        using R = httplib::Server::HandlerResponse;
        if (!res.body.empty()) return R::Unhandled;
        if (res.status == 404) {
          Fail(res, 404, "no such endpoint: " + req.method + " " + req.path);
        } else if (res.status == 413) {
          Fail(res, 413, "request body over " + std::to_string(kMaxBodyBytes) + " bytes");
        } else {
          Fail(res, res.status, "bad request (HTTP " + std::to_string(res.status) + ")");
        }
        return R::Handled;
      }));
  http.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("review: {} {}: {}", req.method, req.path, what);
        Fail(res, 500, "internal error: " + what);
      });

  http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                   "connect-src 'self'; img-src data:");
    res.set_content(kReviewPage, "text/html; charset=utf-8");
  });

  http.Get("/api/info", [this](const httplib::Request&, httplib::Response& res) {
    json files = json::array();
    for (const auto& f : index_.files()) {
      files.push_back({{"path", f.path}, {"accepted", f.accepted}, {"samples", f.samples}});
    }
    Reply(res, 200,
          {{"samples", index_.size()},
           {"files", files},
           {"reviewer", options_.reviewer},
           {"decisions", log_.size()},
           {"decisions_path", log_.path()},
           {"store", store_ != nullptr}});
  });

  http.Get("/api/samples", [this](const httplib::Request& req, httplib::Response& res) {
    SampleQuery query;
    std::size_t offset = 0, limit = kDefaultRows;
    for (const auto& [key, value] : req.params) {
      if (key == "q") {
        query.text = value;
      } else if (key == "offset" || key == "limit") {
        const auto n = ParseCount(value);
        if (!n || (key == "limit" && (*n == 0 || *n > kMaxRows))) {
          return Fail(res, 400,
                      key + "=" + value + ": want a whole number" +
                          (key == "limit" ? " from 1 to " + std::to_string(kMaxRows) : ""));
        }
        (key == "offset" ? offset : limit) = *n;
      } else if (const auto facet = ParseFacet(key)) {
        if (!value.empty()) query.equals[*facet] = value;
      } else {
        return Fail(res, 400,
                    "unknown parameter \"" + key +
                        "\" (known: q, offset, limit, decision, reason, type, scope, difficulty, "
                        "language, doc, human)");
      }
    }
    const auto latest = log_.LatestKinds();
    const auto human = [&](const std::string& id) -> std::optional<HumanDecision> {
      const auto it = latest.find(id);
      if (it == latest.end()) return std::nullopt;
      return it->second;
    };
    const QueryResult result = index_.Run(query, human);
    json rows = json::array();
    for (std::size_t i = offset; i < result.rows.size() && i < offset + limit; ++i) {
      const IndexedSample& s = index_.at(result.rows[i]);
      json reasons = json::array();
      for (const uint32_t r : s.reasons) reasons.push_back(index_.Value(Facet::kReason, r));
      const auto decided = log_.Latest(s.sample_id);
      rows.push_back({{"id", s.sample_id},
                      {"question", Snippet(s.question)},
                      {"answer", Snippet(s.answer)},
                      {"decision", index_.Value(s, Facet::kDecision)},
                      {"reasons", reasons},
                      {"type", index_.Value(s, Facet::kType)},
                      {"scope", index_.Value(s, Facet::kScope)},
                      {"difficulty", index_.Value(s, Facet::kDifficulty)},
                      {"language", index_.Value(s, Facet::kLanguage)},
                      {"doc", index_.Value(s, Facet::kDoc)},
                      {"level", s.level},
                      {"human", decided ? DecisionJson(*decided) : json(nullptr)}});
    }
    json counts = json::object();
    for (const auto& [facet, values] : result.counts) counts[FacetName(facet)] = values;
    Reply(res, 200,
          {{"total", result.rows.size()},
           {"offset", offset},
           {"limit", limit},
           {"rows", rows},
           {"counts", counts},
           {"samples", index_.size()}});
  });

  http.Get(R"(/api/samples/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    const auto i = index_.Find(id);
    if (!i) return Fail(res, 404, "no sample \"" + ReplaceInvalidUtf8(id) + "\" in this directory");
    auto view = SampleView(index_, *i, store_, log_);
    if (!view) return Fail(res, 500, view.error().message);
    Reply(res, 200, *view);
  });

  http.Post(R"(/api/samples/([^/]+)/decision)", [this](const httplib::Request& req,
                                                       httplib::Response& res) {
    const std::string id = req.matches[1];
    if (!index_.Find(id)) {
      return Fail(res, 404, "no sample \"" + ReplaceInvalidUtf8(id) + "\" in this directory");
    }
    if (!req.get_header_value("Content-Type").starts_with("application/json")) {
      return Fail(res, 415, "a decision is sent as Content-Type: application/json");
    }
    const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) return Fail(res, 400, "the body is not JSON");
    if (!body.is_object()) return Fail(res, 400, "the body must be a JSON object");
    DecisionRecord record;
    record.sample_id = id;
    record.reviewer = options_.reviewer;
    std::string decision;
    for (const auto& [key, value] : body.items()) {
      std::string* field = key == "decision"   ? &decision
                           : key == "answer"   ? &record.answer
                           : key == "reason"   ? &record.reason
                           : key == "reviewer" ? &record.reviewer
                                               : nullptr;
      if (field == nullptr) {
        return Fail(res, 400,
                    "unknown field \"" + key + "\" (known: decision, answer, reason, reviewer)");
      }
      if (!value.is_string()) return Fail(res, 400, "\"" + key + "\" must be a string");
      if (key != "reviewer" || !value.get<std::string>().empty()) *field = value.get<std::string>();
    }
    const auto parsed = ParseHumanDecision(decision);
    if (!parsed) {
      return Fail(res, 400,
                  "\"decision\" must be \"accept\", \"reject\" or \"edit\", not \"" +
                      ReplaceInvalidUtf8(decision) + "\"");
    }
    record.decision = *parsed;
    auto recorded = log_.Record(std::move(record));
    if (!recorded) {
      return Fail(res, recorded.error().disposition == Disposition::kStop ? 500 : 400,
                  recorded.error().message);
    }
    Reply(res, 200, DecisionJson(*recorded));
  });

  http.Get("/api/decisions", [this](const httplib::Request& req, httplib::Response& res) {
    std::size_t limit = 50;
    if (req.has_param("limit")) {
      const auto n = ParseCount(req.get_param_value("limit"));
      if (!n || *n == 0 || *n > kMaxRows) {
        return Fail(res, 400, "limit: want a whole number from 1 to " + std::to_string(kMaxRows));
      }
      limit = *n;
    }
    json out = json::array();
    for (const auto& d : log_.Recent(limit)) {
      json j = DecisionJson(d);
      j["id"] = d.sample_id;
      if (const auto i = index_.Find(d.sample_id)) j["question"] = Snippet(index_.at(*i).question);
      out.push_back(std::move(j));
    }
    Reply(res, 200, {{"decisions", out}, {"total", log_.size()}});
  });
}

}  // namespace longforge::review
