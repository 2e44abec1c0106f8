#include "longforge/llm/openai_protocol.h"

#include <nlohmann/json.hpp>

namespace longforge::llm {
namespace {

int IntField(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace

std::string EncodeChatRequest(const ChatRequest& request, const std::string& model) {
  nlohmann::json messages = nlohmann::json::array();
  for (const ChatMessage& m : request.messages) {
    messages.push_back({{"role", m.role}, {"content", m.content}});
  }
  nlohmann::json body = {{"model", model},
                         {"messages", std::move(messages)},
                         {"temperature", request.temperature},
                         {"stream", false}};
  if (request.max_tokens > 0) body["max_tokens"] = request.max_tokens;
  if (!request.stop.empty()) body["stop"] = request.stop;
  // Replace invalid UTF-8 rather than throw: a document with a broken byte must not
  // turn into an exception on the client thread.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<ChatResponse> DecodeChatResponse(std::string_view body) {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error::DeadLetter("response is not JSON");
  if (!doc.is_object()) return Error::DeadLetter("response is not a JSON object");
  const auto choices = doc.find("choices");
  if (choices == doc.end() || !choices->is_array() || choices->empty()) {
    return Error::DeadLetter("response has no choices");
  }
  const nlohmann::json& first = (*choices)[0];
  if (!first.is_object()) return Error::DeadLetter("choices[0] is not an object");
  const auto message = first.find("message");
  if (message == first.end() || !message->is_object()) {
    return Error::DeadLetter("choices[0] has no message");
  }
  const auto content = message->find("content");
  if (content == message->end() || !content->is_string()) {
    return Error::DeadLetter("choices[0].message.content is not a string");
  }
  ChatResponse response;
  response.content = content->get<std::string>();
  if (const auto finish = first.find("finish_reason");
      finish != first.end() && finish->is_string()) {
    response.finish_reason = finish->get<std::string>();
  }
  if (const auto model = doc.find("model"); model != doc.end() && model->is_string()) {
    response.model = model->get<std::string>();
  }
  if (const auto usage = doc.find("usage"); usage != doc.end() && usage->is_object()) {
    response.prompt_tokens = IntField(*usage, "prompt_tokens");
    response.completion_tokens = IntField(*usage, "completion_tokens");
  }
  return response;
}

std::string BodyExcerpt(std::string_view body, std::size_t max_chars) {
  std::string out(body.substr(0, max_chars));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (body.size() > max_chars) out += "...";
  return out;
}

std::string EncodeChatCompletion(const std::string& model, const std::string& content,
                                 std::size_t prompt_tokens, std::size_t completion_tokens) {
  const nlohmann::json body = {{"id", "chatcmpl-longforge"},
                               {"object", "chat.completion"},
                               {"model", model},
                               {"choices",
                                {{{"index", 0},
                                  {"message", {{"role", "assistant"}, {"content", content}}},
                                  {"finish_reason", "stop"}}}},
                               {"usage",
                                {{"prompt_tokens", prompt_tokens},
                                 {"completion_tokens", completion_tokens},
                                 {"total_tokens", prompt_tokens + completion_tokens}}}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace longforge::llm
