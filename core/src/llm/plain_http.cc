#include "longforge/llm/plain_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>

namespace longforge::llm {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string UrlHost(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "";
  const auto begin = scheme_end + 3;
  std::string authority = url.substr(begin, url.find_first_of("/?#", begin) - begin);
  if (const auto at = authority.rfind('@'); at != std::string::npos) {
    authority.erase(0, at + 1);  // user:password@
  }
  if (!authority.empty() && authority[0] == '[') {
    return Lower(authority.substr(1, authority.find(']') - 1));
  }
  return Lower(authority.substr(0, authority.find(':')));
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "localhost.") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

bool KeyOverPlainHttp(const std::string& base_url, bool has_key) {
  if (!has_key) return false;
  if (Lower(base_url.substr(0, 7)) != "http://") return false;
  return !IsLoopbackHost(UrlHost(base_url));
}

}  // namespace longforge::llm
