#include <cstdlib>
#include <string>
#include <vector>

#include "longforge/llm/http_chat_client.h"

namespace longforge::llm {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::vector<std::string> HttpChatClientOptions::Validate() const {
  std::vector<std::string> problems;
  if (base_url.empty()) {
    problems.push_back("base_url is required");
  } else {
    if (base_url.rfind("http://", 0) != 0 && base_url.rfind("https://", 0) != 0) {
      problems.push_back("base_url must start with http:// or https:// (got \"" + base_url + "\")");
    }
    if (!EndsWith(base_url, "/v1") && !EndsWith(base_url, "/v1/")) {
      problems.push_back("base_url must end in /v1 (got \"" + base_url + "\")");
    }
  }
  if (model.empty()) problems.push_back("model is required");
  if (api_key.find_first_of("\r\n") != std::string::npos) {
    problems.push_back("api_key contains a line break");  // the key itself is never echoed
  }
  if (concurrency < 1 || concurrency > 100'000) {
    problems.push_back("concurrency must be in [1, 100000] (got " + std::to_string(concurrency) +
                       ")");
  }
  if (connect_timeout.count() <= 0) problems.push_back("connect_timeout must be positive");
  if (request_timeout.count() <= 0) problems.push_back("request_timeout must be positive");
  if (max_attempts < 1) {
    problems.push_back("max_attempts must be at least 1 (got " + std::to_string(max_attempts) +
                       ")");
  }
  if (backoff_base.count() < 0) problems.push_back("backoff_base must not be negative");
  if (backoff_max < backoff_base) problems.push_back("backoff_max must be >= backoff_base");
  if (retry_after_max.count() < 0) problems.push_back("retry_after_max must not be negative");
  if (down_after_failures < 1) problems.push_back("down_after_failures must be at least 1");
  return problems;
}

std::string ApiKeyFromEnvironment() {
  for (const char* name : {"LONGFORGE_LLM_API_KEY", "OPENAI_API_KEY"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return value;
  }
  return "";
}

}  // namespace longforge::llm
