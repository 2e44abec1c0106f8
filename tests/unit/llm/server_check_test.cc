#include "longforge/llm/server_check.h"

#include <gtest/gtest.h>

#include "support/fake_llm_server.h"
#include "support/subprocess.h"

namespace longforge::llm {
namespace {

using std::chrono::milliseconds;
using testing::FakeLlmServer;

TEST(CheckLlmServer, AServerListingTheModelPasses) {
  FakeLlmServer server;
  auto check = CheckLlmServer(server.base_url(), "fake-model", "", milliseconds(3000));
  ASSERT_TRUE(check.ok()) << check.error().message;
  EXPECT_EQ(check->http_status, 200);
  EXPECT_EQ(check->warning, "");
}

TEST(CheckLlmServer, NothingListeningIsAnErrorNamingTheUrl) {
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::FreePort()) + "/v1";
  auto check = CheckLlmServer(url, "m", "", milliseconds(3000));
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().disposition, Disposition::kStop);
  EXPECT_NE(check.error().message.find("the LLM at " + url + " is not reachable"),
            std::string::npos)
      << check.error().message;
}

TEST(CheckLlmServer, ARefusedKeyIsAnErrorSayingSo) {
  FakeLlmServer server;
  server.SetModelsStatus(401);
  auto check = CheckLlmServer(server.base_url(), "m", "sk-wrong-secret", milliseconds(3000));
  ASSERT_FALSE(check.ok());
  EXPECT_NE(check.error().message.find("refused the API key"), std::string::npos)
      << check.error().message;
  EXPECT_EQ(check.error().message.find("sk-wrong-secret"), std::string::npos) << "never the key";
}

TEST(CheckLlmServer, OtherAnswersProveTheServerIsThereAndWarn) {
  FakeLlmServer server;
  server.SetModelsStatus(404);
  auto not_found = CheckLlmServer(server.base_url(), "m", "", milliseconds(3000));
  ASSERT_TRUE(not_found.ok()) << not_found.error().message;
  EXPECT_NE(not_found->warning.find("HTTP 404"), std::string::npos) << not_found->warning;

  server.SetModelsStatus(200);
  auto other_model = CheckLlmServer(server.base_url(), "qwen3-8b", "", milliseconds(3000));
  ASSERT_TRUE(other_model.ok());
  EXPECT_NE(other_model->warning.find("does not list model \"qwen3-8b\" (it lists: fake-model)"),
            std::string::npos)
      << other_model->warning;
}

}  // namespace
}  // namespace longforge::llm
