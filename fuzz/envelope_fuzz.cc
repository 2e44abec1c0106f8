// Fuzz target: decoding every message a worker reads from Kafka, and the chunk table
// read from the store. Any input may be refused (an error value, never an exception or
// a crash); one that decodes must survive a round trip: its encoding decodes again and
// encodes to the same bytes. DecodeSubject, used to name the document of a message that
// failed, must never throw either.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "longforge/envelope/chunk_table.h"
#include "longforge/envelope/messages.h"
#include "longforge/envelope/subject.h"

namespace {

using namespace longforge;

// Decode → Encode → Decode → Encode: the two encodings must be equal.
template <typename Decode, typename Encode>
void RoundTrip(std::string_view bytes, Decode decode, Encode encode, const char* what) {
  auto first = decode(bytes);
  if (!first.ok()) {
    FUZZ_CHECK(!first.error().message.empty(), what);
    return;
  }
  const std::string encoded = encode(first.value());
  auto second = decode(encoded);
  FUZZ_CHECK(second.ok(), what);
  FUZZ_CHECK(encode(second.value()) == encoded, what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto enc = [](const auto& m) { return envelope::Encode(m); };
  RoundTrip(bytes, envelope::DecodeDocumentEvent, enc, "lf.documents round trip");
  RoundTrip(bytes, envelope::DecodeChunkedEvent, enc, "lf.chunked round trip");
  RoundTrip(bytes, envelope::DecodeTaskLedger, enc, "lf.tasks round trip");
  RoundTrip(bytes, envelope::DecodeRelevanceRequest, enc, "lf.relevance.requests round trip");
  RoundTrip(bytes, envelope::DecodeRelevanceCredit, enc, "lf.relevance.credits round trip");
  RoundTrip(bytes, envelope::DecodeSubQuestion, enc, "lf.subquestions round trip");
  RoundTrip(bytes, envelope::DecodeRelevanceResult, enc, "lf.relevance.results round trip");
  RoundTrip(bytes, envelope::DecodeAnswerRecord, enc, "lf.answers round trip");
  RoundTrip(bytes, envelope::DecodeChunkTable, enc, "chunk table round trip");
  RoundTrip(
      bytes, envelope::DecodeSampleRecord,
      [](const envelope::SampleRecord& m) { return envelope::Encode(m, "lf.dataset/v1"); },
      "lf.dataset round trip");

  // Returns a value or an error; an escaping exception would abort here.
  auto subject = envelope::DecodeSubject(bytes);
  FUZZ_CHECK(subject.ok() || !subject.error().message.empty(), "a subject error says why");
  return 0;
}
