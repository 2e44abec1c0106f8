#pragma once
// Is an OpenAI-compatible server there? One GET {base_url}/models before a run starts,
// so that a wrong URL or key fails at once, naming it, instead of every call retrying.

#include <chrono>
#include <string>

#include "longforge/common/error.h"

namespace longforge::llm {

struct ServerCheck {
  long http_status = 0;  // what GET /models answered
  // Empty when all is well; otherwise what looks wrong although the server is there
  // (an answer other than 200, a model it does not list).
  std::string warning;
};

// Any HTTP answer proves the server is there; Error (kStop, naming the URL) when nothing
// answers within `timeout` (connection refused, timeout, unknown host, TLS failure) or
// the server refuses the key (401, 403). `api_key` is sent, never logged.
Result<ServerCheck> CheckLlmServer(const std::string& base_url, const std::string& model,
                                   const std::string& api_key, std::chrono::milliseconds timeout);

}  // namespace longforge::llm
