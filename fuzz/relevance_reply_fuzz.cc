// Fuzz target: a model's relevance reply (ParseRelevanceReply) and the grounding guard
// its quotes go through (GroundQuotes). The first byte picks the number of questions
// (1..8); the rest is the reply. The chunk the quotes are grounded in is the reply's
// second half, so some quotes occur in it and some do not.
//
// Properties: one part per question; a kQuotes part has quotes, none empty; other parts
// have none; every kept quote is a substring of the chunk, kept quotes are distinct, and
// kept + dropped never exceed the quotes given; a kept quote of a valid UTF-8 chunk is
// valid UTF-8.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "longforge/common/utf8.h"
#include "workers/relevance/quote_grounding.h"
#include "workers/relevance/relevance_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace longforge::workers;
  if (size == 0) return 0;
  const std::size_t questions = 1 + data[0] % 8;
  const std::string_view reply(reinterpret_cast<const char*>(data) + 1, size - 1);

  const std::vector<ReplyPart> parts = ParseRelevanceReply(reply, questions);
  FUZZ_CHECK(parts.size() == questions, "one part per question");
  std::vector<std::string> all_quotes;
  for (const ReplyPart& part : parts) {
    switch (part.kind) {
      case ReplyKind::kQuotes:
        FUZZ_CHECK(!part.quotes.empty(), "a quotes part has quotes");
        break;
      case ReplyKind::kNone:
      case ReplyKind::kMalformed:
        FUZZ_CHECK(part.quotes.empty(), "only a quotes part has quotes");
        break;
    }
    for (const std::string& quote : part.quotes) {
      FUZZ_CHECK(!quote.empty(), "no empty quote");
      all_quotes.push_back(quote);
    }
  }

  const std::string_view chunk = reply.substr(reply.size() / 2);
  const GroundedQuotes grounded = GroundQuotes(chunk, all_quotes);
  FUZZ_CHECK(grounded.kept.size() + grounded.dropped <= all_quotes.size(),
             "kept + dropped <= quotes");
  // A chunk is cut from a stored document, valid UTF-8; what is kept from it is put in a
  // JSON message, so it must be valid UTF-8 too.
  const bool chunk_valid = !longforge::FindInvalidUtf8(chunk);
  std::set<std::string> seen;
  for (const std::string& kept : grounded.kept) {
    FUZZ_CHECK(chunk.find(kept) != std::string_view::npos, "a kept quote is the chunk's bytes");
    FUZZ_CHECK(!chunk_valid || !longforge::FindInvalidUtf8(kept),
               "a kept quote of a valid chunk is valid UTF-8");
    FUZZ_CHECK(seen.insert(kept).second, "kept quotes are distinct");
  }
  for (const std::string& quote : all_quotes) {
    const std::string_view trimmed = TrimQuotePunctuation(quote);
    FUZZ_CHECK(std::string_view(quote).find(trimmed) != std::string_view::npos,
               "trimming gives a part of the quote");
  }
  return 0;
}
