#include "longforge/llm/plain_http.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <sstream>

#include "longforge/llm/llm_config.h"

namespace longforge::llm {
namespace {

TEST(PlainHttp, UrlHostIsTheLowercasedHostWithoutPortUserOrBrackets) {
  EXPECT_EQ(UrlHost("http://10.0.0.5:8000/v1"), "10.0.0.5");
  EXPECT_EQ(UrlHost("HTTPS://GPU.Example.com/v1"), "gpu.example.com");
  EXPECT_EQ(UrlHost("http://user:secret@vllm:8000/v1"), "vllm");
  EXPECT_EQ(UrlHost("http://[::1]:8000/v1"), "::1");
  EXPECT_EQ(UrlHost("http://host?x=1"), "host");
  EXPECT_EQ(UrlHost("localhost:8000"), "");
}

TEST(PlainHttp, LoopbackIsLocalhostThe127NetworkAndIpv6One) {
  for (const char* host : {"localhost", "localhost.", "127.0.0.1", "127.1.2.3", "::1",
                           "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"10.0.0.5", "128.0.0.1", "127.evil.example", "localhost.example", "::2",
                           "::ffff:10.0.0.1", "0.0.0.0", ""}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(PlainHttp, AKeyOverPlainHttpToAnotherHostIsFlagged) {
  EXPECT_TRUE(KeyOverPlainHttp("http://10.0.0.5:8000/v1", true));
  EXPECT_TRUE(KeyOverPlainHttp("HTTP://10.0.0.5:8000/v1", true));
  EXPECT_TRUE(KeyOverPlainHttp("Http://vllm:8000/v1", true));
  EXPECT_TRUE(KeyOverPlainHttp("http://127.0.0.1.nip.io/v1", true));
  EXPECT_TRUE(KeyOverPlainHttp("http://localhost@10.0.0.5/v1", true));  // userinfo is not a host
}

TEST(PlainHttp, HttpsLoopbackOrNoKeyIsNotFlagged) {
  EXPECT_FALSE(KeyOverPlainHttp("https://api.example.com/v1", true));
  EXPECT_FALSE(KeyOverPlainHttp("HTTPS://10.0.0.5/v1", true));
  EXPECT_FALSE(KeyOverPlainHttp("http://localhost:8000/v1", true));
  EXPECT_FALSE(KeyOverPlainHttp("http://LOCALHOST:8000/v1", true));
  EXPECT_FALSE(KeyOverPlainHttp("http://127.0.0.1/v1", true));
  EXPECT_FALSE(KeyOverPlainHttp("http://[::1]:8000/v1", true));
  EXPECT_FALSE(KeyOverPlainHttp("http://10.0.0.5:8000/v1", false));
}

// What MakeChatClient logs, with LONGFORGE_LLM_API_KEY set, for a client of `url`.
std::string LogOfMakingAClient(const std::string& url) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  ::setenv("LONGFORGE_LLM_API_KEY", "sk-test", 1);
  LlmConfig config;
  config.relevance = {url, "m"};
  auto client = MakeChatClient(config, PipelineStage::kRelevance, nullptr);
  ::unsetenv("LONGFORGE_LLM_API_KEY");
  spdlog::set_default_logger(previous);
  EXPECT_TRUE(client.ok()) << client.error().message;
  return log.str();
}

TEST(PlainHttp, MakeChatClientWarnsOnceNamingTheHostAndSuggestingHttps) {
  const std::string log = LogOfMakingAClient("http://10.0.0.5:8000/v1");
  EXPECT_NE(log.find("relevance: the LLM API key is sent unencrypted over plain http:// to "
                     "10.0.0.5"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("https://10.0.0.5:8000/v1"), std::string::npos) << log;
  EXPECT_EQ(log.find("sk-test"), std::string::npos) << "the key itself must not be logged";
  EXPECT_EQ(log.find("unencrypted"), log.rfind("unencrypted")) << "warned more than once";
  EXPECT_EQ(LogOfMakingAClient("http://127.0.0.1:8000/v1").find("unencrypted"), std::string::npos);
  EXPECT_EQ(LogOfMakingAClient("https://10.0.0.5/v1").find("unencrypted"), std::string::npos);
}

}  // namespace
}  // namespace longforge::llm
