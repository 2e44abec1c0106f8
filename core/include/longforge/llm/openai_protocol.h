#pragma once
// The OpenAI chat-completions wire format: request bodies out, response bodies in.
// Pure functions, so the HTTP client, the cache and the fake server agree on one format.

#include <string>
#include <string_view>

#include "longforge/common/error.h"
#include "longforge/llm/chat.h"

namespace longforge::llm {

// The JSON body for POST {base_url}/chat/completions. `model` is the effective model
// (the request's own, or the client's default when the request leaves it empty).
std::string EncodeChatRequest(const ChatRequest& request, const std::string& model);

// Parses choices[0].message.content, model and usage.{prompt,completion}_tokens
// (usage is optional: some servers omit it, and then both counts are 0). A body that
// is not such JSON gives an Error whose message says what was wrong; the caller
// decides the disposition.
Result<ChatResponse> DecodeChatResponse(std::string_view body);

// A chat completion as a server sends it (one choice, usage filled in): what
// DecodeChatResponse reads. For the fake and simulated servers of tests and benchmarks.
std::string EncodeChatCompletion(const std::string& model, const std::string& content,
                                 std::size_t prompt_tokens, std::size_t completion_tokens);

// At most `max_chars` bytes of `body` with control characters flattened, for error
// messages (never the whole body: it may be large).
std::string BodyExcerpt(std::string_view body, std::size_t max_chars = 200);

}  // namespace longforge::llm
