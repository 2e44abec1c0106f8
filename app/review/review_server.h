#pragma once
// The HTTP server of `longforge review`: the embedded page (review_page.h) and a JSON API
// over a SampleIndex, the document store and a DecisionLog.
//
//   GET  /                          the page (HTML, CSS and JavaScript; nothing fetched
//                                   from elsewhere)
//   GET  /api/info                  the directory, its files, the default reviewer
//   GET  /api/samples?FACET=V&q=T&offset=N&limit=N
//                                   matching samples (a page of rows) and, per facet, the
//                                   counts of each value (sample_index.h, Run)
//   GET  /api/samples/ID            one sample with its evidence in place (sample_view.h)
//   POST /api/samples/ID/decision   {"decision": "accept"|"reject"|"edit", "answer",
//                                   "reason", "reviewer"}: appended to decisions.jsonl
//   GET  /api/decisions?limit=N     the latest decisions, newest first
//
// Every error is a JSON {"error": "..."} with a 4xx status saying what was wrong (5xx
// only when a file cannot be read or written); no request can stop the server.
// On a loopback address requests must name it in their Host header (a web page
// elsewhere cannot reach the server through DNS rebinding); with a token, every request
// carries `Authorization: Bearer TOKEN` (the page's own GET / may carry ?token=TOKEN
// instead, which the page then sends as the header). POSTs must be application/json, so
// another site's page cannot post a form to it.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/store/document_store.h"
#include "review/decision_log.h"
#include "review/sample_index.h"

namespace httplib {
class Server;
}

namespace longforge::review {

struct ReviewServerOptions {
  std::string address = "127.0.0.1";  // --addr: where to listen
  int port = 8765;                    // --port; 0 picks a free port
  std::string reviewer;               // --reviewer: default name for decisions ("" none)
  std::string token;                  // --token: required on every request when not empty
  std::vector<std::string> Validate() const;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopback(const std::string& address);

class ReviewServer {
 public:
  // Listens and serves on a thread of its own. `index`, `log` and `store` (may be null)
  // must outlive the server. Error (kStop) when the address cannot be bound.
  static Result<std::unique_ptr<ReviewServer>> Start(const ReviewServerOptions& options,
                                                     const SampleIndex& index, DecisionLog& log,
                                                     const store::DocumentStore* store);
  ~ReviewServer();  // stops serving and joins the thread
  ReviewServer(const ReviewServer&) = delete;
  ReviewServer& operator=(const ReviewServer&) = delete;

  int port() const { return port_; }
  // http://ADDRESS:PORT/ (with ?token=… when a token is required).
  std::string Url() const;

 private:
  ReviewServer(ReviewServerOptions options, const SampleIndex& index, DecisionLog& log,
               const store::DocumentStore* store);
  void Route();

  ReviewServerOptions options_;
  const SampleIndex& index_;
  DecisionLog& log_;
  const store::DocumentStore* store_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace longforge::review
