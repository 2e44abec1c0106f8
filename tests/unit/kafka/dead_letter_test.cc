#include "longforge/kafka/dead_letter.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace longforge::kafka {
namespace {

using nlohmann::json;

json Parse(const std::string& record) {
  json j = json::parse(record, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << record.substr(0, 200);
  return j;
}

TEST(EncodeDeadLetter, RecordsTheOriginalMessageAndReason) {
  const InMessage m{"lf.chunked", 4, 1234, "doc-1", R"({"schema":"lf.chunked/v1"})"};
  const json j = Parse(EncodeDeadLetter("questioner", m, "lf.chunked/v1: key 'doc_id' not found"));
  EXPECT_EQ(j["schema"], "lf.dlq/v1");
  EXPECT_EQ(j["worker"], "questioner");
  EXPECT_EQ(j["topic"], "lf.chunked");
  EXPECT_EQ(j["partition"], 4);
  EXPECT_EQ(j["offset"], 1234);
  EXPECT_EQ(j["key"], "doc-1");
  EXPECT_FALSE(j.contains("key_base64"));
  EXPECT_EQ(j["reason"], "lf.chunked/v1: key 'doc_id' not found");
  EXPECT_EQ(j["payload_encoding"], "utf8");
  EXPECT_EQ(j["payload"], m.value);
  EXPECT_EQ(j["payload_bytes"], m.value.size());
  EXPECT_EQ(j["truncated"], false);
  const std::string at = j["at"];
  ASSERT_EQ(at.size(), 24u) << at;  // 2024-05-01T12:00:00.000Z
  EXPECT_EQ(at[10], 'T');
  EXPECT_EQ(at.back(), 'Z');
}

TEST(EncodeDeadLetter, CarriesNonUtf8PayloadAsBase64) {
  const InMessage m{"lf.documents", 0, 1, "k", std::string("\x00\xff\xfe", 3)};
  const json j = Parse(EncodeDeadLetter("chunker", m, "not valid JSON"));
  EXPECT_EQ(j["payload_encoding"], "base64");
  EXPECT_EQ(j["payload"], "AP/+");
  EXPECT_EQ(j["payload_bytes"], 3);
}

TEST(EncodeDeadLetter, CarriesNonUtf8KeyAsBase64) {
  const InMessage m{"lf.documents", 0, 1, std::string("\xff\x01", 2), "{}"};
  const json j = Parse(EncodeDeadLetter("chunker", m, "r"));
  EXPECT_FALSE(j.contains("key"));
  EXPECT_EQ(j["key_base64"], "/wE=");
  EXPECT_EQ(j["payload_encoding"], "utf8");
}

TEST(EncodeDeadLetter, TruncatesLargePayloadKeepingItsLength) {
  const std::string big(kMaxDeadLetterPayload + 1000, 'a');
  const InMessage m{"lf.answers", 2, 9, "t", big};
  const std::string record = EncodeDeadLetter("filter", m, "too big");
  const json j = Parse(record);
  EXPECT_EQ(j["truncated"], true);
  EXPECT_EQ(j["payload_bytes"], big.size());
  EXPECT_EQ(j["payload"].get<std::string>().size(), kMaxDeadLetterPayload);
  EXPECT_EQ(j["payload_encoding"], "utf8");
  EXPECT_LT(record.size(), kMaxDeadLetterPayload + 1024);
}

TEST(EncodeDeadLetter, PayloadAtTheLimitIsNotTruncated) {
  const InMessage m{"lf.answers", 0, 0, "", std::string(kMaxDeadLetterPayload, 'b')};
  const json j = Parse(EncodeDeadLetter("filter", m, "r"));
  EXPECT_EQ(j["truncated"], false);
  EXPECT_EQ(j["payload"].get<std::string>().size(), kMaxDeadLetterPayload);
  EXPECT_EQ(j["key"], "");
}

TEST(EncodeDeadLetter, TruncatedBinaryPayloadIsBase64OfTheKeptBytes) {
  std::string big(kMaxDeadLetterPayload + 10, '\xff');
  const InMessage m{"lf.answers", 0, 0, "k", big};
  const json j = Parse(EncodeDeadLetter("filter", m, "r"));
  EXPECT_EQ(j["payload_encoding"], "base64");
  EXPECT_EQ(j["truncated"], true);
  EXPECT_EQ(j["payload"].get<std::string>().size(), (kMaxDeadLetterPayload + 2) / 3 * 4);
  EXPECT_EQ(j["payload_bytes"], big.size());
}

TEST(EncodeDeadLetter, TruncatedTextStaysUtf8) {
  // "a" then two-byte characters: the cut at kMaxDeadLetterPayload (even) falls
  // inside a character.
  std::string text = "a";
  while (text.size() <= kMaxDeadLetterPayload + 4) text += "\xC3\xA9";  // é
  const InMessage m{"lf.answers", 0, 0, "k", text};
  const json j = Parse(EncodeDeadLetter("filter", m, "r"));
  EXPECT_EQ(j["truncated"], true);
  EXPECT_EQ(j["payload_encoding"], "utf8");
  EXPECT_EQ(j["payload_bytes"], text.size());
}

TEST(EncodeDeadLetter, SurvivesANonUtf8Reason) {
  // Reasons can quote input (an exception text, a file name); the dead-letter record
  // is the last resort and must always be encodable.
  const InMessage m{"lf.documents", 0, 0, "k", "{}"};
  const std::string record = EncodeDeadLetter("chunker", m, "handler threw: bad byte \xff here");
  const json j = Parse(record);
  EXPECT_EQ(j["schema"], "lf.dlq/v1");
}

}  // namespace
}  // namespace longforge::kafka
