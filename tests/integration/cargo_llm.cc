#include "cargo_llm.h"

namespace longforge::testing {

FakeReply CargoScript(const FakeRequest& r, std::chrono::milliseconds relevance_delay,
                      const std::string& decline) {
  const std::string& user = r.messages.back().content;
  if (r.stage == "relevance") {
    FakeReply reply = FakeReply::Content("NONE");
    const auto at = user.find("The vessel Marlin");
    if (at != std::string::npos) {
      reply = FakeReply::Content(user.substr(at, user.find('.', at) - at + 1));
    }
    reply.delay = relevance_delay;
    return reply;
  }
  if (r.stage == "keywords") return FakeReply::Content("INFO: cargo\nKEYWORDS: cargo, vessel");
  if (r.stage == "route") return FakeReply::Content("LOCAL");
  // Without the shipping records the model cannot know what any vessel carried.
  if (r.stage == "closedbook") return FakeReply::Content("I don't know.");
  if (r.stage == "map") {
    return FakeReply::Content(
        "GIST: A part of the shipping records.\nPEOPLE: none\nEVENTS:\n- none");
  }
  if (!decline.empty() && user.find(decline) != std::string::npos) {
    return FakeReply::Content("NOT IN EVIDENCE");
  }
  return FakeReply::Content("Copper ingots.");
}

}  // namespace longforge::testing
