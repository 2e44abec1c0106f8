#pragma once
// Whether an LLM API key would cross the network unencrypted: the decision behind the
// warning MakeChatClient logs, kept pure so it can be tested without a client.

#include <string>

namespace longforge::llm {

// The host part of `url` ("scheme://[user@]host[:port][/path]"), lowercased, IPv6
// literals without their brackets; "" when `url` has no "://".
std::string UrlHost(const std::string& url);

// True for localhost (with or without a trailing dot), 127.0.0.0/8, ::1 and
// ::ffff:127.x.y.z: hosts whose traffic never leaves the machine.
bool IsLoopbackHost(const std::string& host);

// True when `has_key` and `base_url` is plain http:// (scheme in any case) to a host
// that is not loopback: the key would be readable on the network.
bool KeyOverPlainHttp(const std::string& base_url, bool has_key);

}  // namespace longforge::llm
