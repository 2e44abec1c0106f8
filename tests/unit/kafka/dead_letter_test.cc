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
  const json j = Parse(
      EncodeDeadLetter(PipelineStage::kQuestioner, m, "lf.chunked/v1: key 'doc_id' not found"));
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
  const json j = Parse(EncodeDeadLetter(PipelineStage::kChunker, m, "not valid JSON"));
  EXPECT_EQ(j["payload_encoding"], "base64");
  EXPECT_EQ(j["payload"], "AP/+");
  EXPECT_EQ(j["payload_bytes"], 3);
}

TEST(EncodeDeadLetter, CarriesNonUtf8KeyAsBase64) {
  const InMessage m{"lf.documents", 0, 1, std::string("\xff\x01", 2), "{}"};
  const json j = Parse(EncodeDeadLetter(PipelineStage::kChunker, m, "r"));
  EXPECT_FALSE(j.contains("key"));
  EXPECT_EQ(j["key_base64"], "/wE=");
  EXPECT_EQ(j["payload_encoding"], "utf8");
}

TEST(EncodeDeadLetter, TruncatesLargePayloadKeepingItsLength) {
  const std::string big(kMaxDeadLetterPayload + 1000, 'a');
  const InMessage m{"lf.answers", 2, 9, "t", big};
  const std::string record = EncodeDeadLetter(PipelineStage::kFilter, m, "too big");
  const json j = Parse(record);
  EXPECT_EQ(j["truncated"], true);
  EXPECT_EQ(j["payload_bytes"], big.size());
  EXPECT_EQ(j["payload"].get<std::string>().size(), kMaxDeadLetterPayload);
  EXPECT_EQ(j["payload_encoding"], "utf8");
  EXPECT_LT(record.size(), kMaxDeadLetterPayload + 1024);
}

TEST(EncodeDeadLetter, PayloadAtTheLimitIsNotTruncated) {
  const InMessage m{"lf.answers", 0, 0, "", std::string(kMaxDeadLetterPayload, 'b')};
  const json j = Parse(EncodeDeadLetter(PipelineStage::kFilter, m, "r"));
  EXPECT_EQ(j["truncated"], false);
  EXPECT_EQ(j["payload"].get<std::string>().size(), kMaxDeadLetterPayload);
  EXPECT_EQ(j["key"], "");
}

TEST(EncodeDeadLetter, TruncatedBinaryPayloadIsBase64OfTheKeptBytes) {
  std::string big(kMaxDeadLetterPayload + 10, '\xff');
  const InMessage m{"lf.answers", 0, 0, "k", big};
  const json j = Parse(EncodeDeadLetter(PipelineStage::kFilter, m, "r"));
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
  const json j = Parse(EncodeDeadLetter(PipelineStage::kFilter, m, "r"));
  EXPECT_EQ(j["truncated"], true);
  EXPECT_EQ(j["payload_encoding"], "utf8");
  EXPECT_EQ(j["payload_bytes"], text.size());
}

TEST(EncodeDeadLetter, SurvivesANonUtf8Reason) {
  // Reasons can quote input (an exception text, a file name); the dead-letter record
  // is the last resort and must always be encodable.
  const InMessage m{"lf.documents", 0, 0, "k", "{}"};
  const std::string record =
      EncodeDeadLetter(PipelineStage::kChunker, m, "handler threw: bad byte \xff here");
  const json j = Parse(record);
  EXPECT_EQ(j["schema"], "lf.dlq/v1");
}

// EncodeDeadLetter then DecodeDeadLetter, failing the test when the decode fails.
DeadLetter RoundTrip(PipelineStage stage, const InMessage& m, const std::string& reason) {
  auto back = DecodeDeadLetter(EncodeDeadLetter(stage, m, reason));
  if (!back.ok()) {
    ADD_FAILURE() << back.error().message;
    return {};
  }
  return *back;
}

TEST(DecodeDeadLetter, RoundTripsTheOriginalMessage) {
  const InMessage m{"lf.chunked", 4, 1234, "doc-1", R"({"schema":"lf.chunked/v1"})"};
  const DeadLetter d =
      RoundTrip(PipelineStage::kQuestioner, m, "lf.chunked/v1: key 'doc_id' not found");
  EXPECT_EQ(d.stage, PipelineStage::kQuestioner);
  EXPECT_EQ(d.message.topic, "lf.chunked");
  EXPECT_EQ(d.message.partition, 4);
  EXPECT_EQ(d.message.offset, 1234);
  EXPECT_EQ(d.message.key, "doc-1");
  EXPECT_EQ(d.message.value, m.value);
  EXPECT_EQ(d.reason, "lf.chunked/v1: key 'doc_id' not found");
  EXPECT_EQ(d.payload_bytes, m.value.size());
  EXPECT_FALSE(d.truncated);
  EXPECT_EQ(d.at.size(), 24u) << d.at;
}

TEST(DecodeDeadLetter, UndoesBase64OfKeyAndPayload) {
  const InMessage m{"lf.documents", 0, 1, std::string("\xff\x01", 2),
                    std::string("\x00\xff\xfe", 3)};
  const DeadLetter d = RoundTrip(PipelineStage::kChunker, m, "not valid JSON");
  EXPECT_EQ(d.message.key, m.key);
  EXPECT_EQ(d.message.value, m.value);
}

TEST(DecodeDeadLetter, KeepsTheTruncatedPayloadAndTheOriginalLength) {
  const std::string big(kMaxDeadLetterPayload + 1000, '\xff');
  const DeadLetter d = RoundTrip(PipelineStage::kFilter, {"lf.answers", 2, 9, "t", big}, "too big");
  EXPECT_TRUE(d.truncated);
  EXPECT_EQ(d.payload_bytes, big.size());
  EXPECT_EQ(d.message.value, big.substr(0, kMaxDeadLetterPayload));
}

// A well-formed record with one field replaced by `value` (raw JSON), or removed.
std::string With(const std::string& field, const std::string& value) {
  json j = Parse(EncodeDeadLetter(PipelineStage::kChunker, {"lf.documents", 0, 1, "k", "{}"}, "r"));
  if (value.empty()) {
    j.erase(field);
  } else {
    j[field] = json::parse(value);
  }
  return j.dump();
}

void ExpectError(const std::string& record, const std::string& needle) {
  const auto d = DecodeDeadLetter(record);
  ASSERT_FALSE(d.ok()) << "decoded: " << record;
  EXPECT_EQ(d.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(d.error().message.find(needle), std::string::npos)
      << "\"" << d.error().message << "\" does not mention " << needle;
}

TEST(DecodeDeadLetter, MalformedRecordsAreErrorValuesNamingTheFault) {
  ExpectError("not json", "not valid JSON");
  ExpectError("[1]", "not a JSON object");
  ExpectError(With("schema", R"("lf.answers/v1")"), "lf.answers/v1");
  ExpectError(With("schema", ""), "schema");
  ExpectError(With("topic", "7"), "topic");
  ExpectError(With("worker", R"({"name":"chunker"})"), "worker");
  ExpectError(With("worker", R"("chunkr")"), "not a pipeline stage");
  ExpectError(With("reason", ""), "reason");
  ExpectError(With("partition", R"("0")"), "partition");
  ExpectError(With("partition", "1.5"), "partition");
  ExpectError(With("partition", "4294967296"), "partition");
  ExpectError(With("offset", "true"), "offset");
  ExpectError(With("payload_bytes", "-1"), "payload_bytes");
  ExpectError(With("truncated", "0"), "truncated");
  ExpectError(With("payload_encoding", R"("hex")"), "payload_encoding");
  ExpectError(With("key", ""), "key");
}

TEST(DecodeDeadLetter, MalformedBase64IsAnError) {
  json j = Parse(With("payload_encoding", R"("base64")"));
  j["payload"] = "not base64!";
  ExpectError(j.dump(), "payload");
  json k = Parse(With("key", ""));
  k["key_base64"] = "%%";
  ExpectError(k.dump(), "key_base64");
}

}  // namespace
}  // namespace longforge::kafka
