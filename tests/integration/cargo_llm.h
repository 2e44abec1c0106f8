#pragma once
// A scripted LLM for the synthetic ledgers of cluster.h (WriteSyntheticDocuments):
// relevance quotes the passage's cargo sentence, keywords and answers come in the
// shapes the prompts ask for.

#include <chrono>
#include <string>

#include "support/fake_llm_server.h"

namespace longforge::testing {

// `relevance_delay` slows relevance replies down; when the answer prompt contains
// `decline`, the model answers that the evidence does not say.
FakeReply CargoScript(const FakeRequest& r, std::chrono::milliseconds relevance_delay,
                      const std::string& decline = "");

}  // namespace longforge::testing
