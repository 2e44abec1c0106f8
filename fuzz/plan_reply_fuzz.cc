// Fuzz target: the answer stage's readers of model replies that steer the agent, the
// Lv3 plan (ParsePlanReply: ANSWER: / ASK: a sub-question) and the Lv1 keywords
// (ParseKeywordReply: INFO: / KEYWORDS:). The first byte picks max_keywords (0..31).
//
// Properties: a plan step's text is non-empty, one line, without surrounding spaces,
// and taken from the reply; keywords are at most max_keywords, non-empty, distinct, one
// line each and without separators; a parsed reply has information or keywords.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "workers/answer/keywords.h"
#include "workers/answer/planner.h"

namespace {

bool OneTrimmedLine(std::string_view s) {
  return s.find('\n') == std::string_view::npos && !s.empty() && s.front() != ' ' &&
         s.back() != ' ';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace longforge::workers;
  if (size == 0) return 0;
  const std::size_t max_keywords = data[0] % 32;
  const std::string_view reply(reinterpret_cast<const char*>(data) + 1, size - 1);

  if (const auto step = ParsePlanReply(reply)) {
    FUZZ_CHECK(OneTrimmedLine(step->text), "plan text is one trimmed line");
    FUZZ_CHECK(reply.find(step->text) != std::string_view::npos, "plan text comes from the reply");
  }

  if (const auto keywords = ParseKeywordReply(reply, max_keywords)) {
    FUZZ_CHECK(!keywords->information.empty() || !keywords->keywords.empty(),
               "a parsed reply has information or keywords");
    FUZZ_CHECK(keywords->information.find('\n') == std::string::npos, "information is one line");
    FUZZ_CHECK(keywords->keywords.size() <= max_keywords, "at most max_keywords");
    std::set<std::string> seen;
    for (const std::string& k : keywords->keywords) {
      FUZZ_CHECK(OneTrimmedLine(k), "a keyword is one trimmed line");
      FUZZ_CHECK(k.find_first_of(",;") == std::string::npos, "no separator in a keyword");
      FUZZ_CHECK(seen.insert(k).second, "keywords are distinct");
    }
  }
  return 0;
}
