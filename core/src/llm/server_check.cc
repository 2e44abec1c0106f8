#include "longforge/llm/server_check.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <nlohmann/json.hpp>

#include "longforge/common/handles.h"
#include "longforge/llm/openai_protocol.h"

namespace longforge::llm {
namespace {

constexpr std::size_t kMaxBody = 1u << 20;  // a model list, not a download

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t n = size * count;
  if (body->size() + n > kMaxBody) return 0;
  body->append(data, n);
  return n;
}

// The ids a 200 lists ({"data": [{"id": ...}, ...]}); empty when it lists none.
std::vector<std::string> ModelIds(const std::string& body) {
  std::vector<std::string> ids;
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("data") || !j["data"].is_array()) return ids;
  for (const auto& m : j["data"]) {
    if (m.is_object() && m.contains("id") && m["id"].is_string()) ids.push_back(m["id"]);
  }
  return ids;
}

}  // namespace

Result<ServerCheck> CheckLlmServer(const std::string& base_url, const std::string& model,
                                   const std::string& api_key, std::chrono::milliseconds timeout) {
  static std::once_flag curl_init;
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string url = base_url;
  if (!url.empty() && url.back() == '/') url.pop_back();
  url += "/models";
  CurlEasy easy(curl_easy_init());
  if (!easy) return Error::Stop("curl_easy_init failed");
  CurlList headers;
  if (!api_key.empty()) {
    headers.reset(curl_slist_append(nullptr, ("Authorization: Bearer " + api_key).c_str()));
  }
  std::string body;
  std::array<char, CURL_ERROR_SIZE> error{};
  CURL* h = easy.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error.data());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK && code != CURLE_WRITE_ERROR) {
    const std::string detail = error[0] != '\0' ? error.data() : curl_easy_strerror(code);
    return Error::Stop("the LLM at " + base_url + " is not reachable (GET " + url + ": " + detail +
                       "); check --llm-url and that the server is running");
  }
  ServerCheck check;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &check.http_status);
  const std::string answered = "GET " + url + " answered HTTP " + std::to_string(check.http_status);
  if (check.http_status == 401 || check.http_status == 403) {
    return Error::Stop("the LLM at " + base_url + " refused the API key (" + answered + ": " +
                       BodyExcerpt(body) +
                       "); set LONGFORGE_LLM_API_KEY or OPENAI_API_KEY to a key it accepts");
  }
  if (check.http_status == 404) {
    check.warning = answered +
                    ": the server is there but lists no models; check that --llm-url "
                    "is its API root (it usually ends in /v1)";
  } else if (check.http_status != 200) {
    check.warning = answered + " (" + BodyExcerpt(body) + "): the server is there but not well";
  } else if (const auto ids = ModelIds(body);
             !model.empty() && !ids.empty() &&
             std::find(ids.begin(), ids.end(), model) == ids.end()) {
    std::string listed;
    for (const auto& id : ids) listed += (listed.empty() ? "" : ", ") + id;
    check.warning = "the LLM at " + base_url + " does not list model \"" + model +
                    "\" (it lists: " + listed + ")";
  }
  return check;
}

}  // namespace longforge::llm
