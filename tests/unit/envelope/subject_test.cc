#include "longforge/envelope/subject.h"

#include <gtest/gtest.h>

#include <string>

#include "longforge/envelope/messages.h"

namespace longforge::envelope {
namespace {

TEST(Subject, DocumentMessagesNameTheirDocument) {
  DocumentEvent d;
  d.doc_id = "d1";
  auto s = DecodeSubject(Encode(d));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->doc_id, "d1");
  EXPECT_TRUE(s->task_id.empty());
  ChunkedEvent c;
  c.doc_id = "d2";
  EXPECT_EQ(DecodeSubject(Encode(c))->doc_id, "d2");
}

TEST(Subject, TaskMessagesNameTheirTaskEvenWhenOtherwiseMalformed) {
  AnswerRecord a;
  a.task.task_id = "t1";
  a.task.doc_id = "d1";
  a.task.parent_task_id = "p1";
  auto s = DecodeSubject(Encode(a));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->doc_id, "d1");
  EXPECT_EQ(s->task_id, "t1");
  EXPECT_EQ(s->parent_task_id, "p1");
  // No schema, no answer: the message would not decode, but its task is known.
  auto bare = DecodeSubject(R"({"task":{"task_id":"t2","doc_id":"d2"}})");
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_EQ(bare->task_id, "t2");
}

void ExpectError(std::string_view bytes, const std::string& needle) {
  const auto s = DecodeSubject(bytes);
  ASSERT_FALSE(s.ok()) << "decoded: " << bytes;
  EXPECT_EQ(s.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(s.error().message.find(needle), std::string::npos)
      << "\"" << s.error().message << "\" does not mention " << needle;
}

TEST(Subject, MistypedOrMissingFieldsAreErrorValues) {
  ExpectError("\x01garbage", "not valid JSON");
  ExpectError("[]", "not a JSON object");
  ExpectError(R"({"tasks":[]})", "neither a task nor a doc_id");
  ExpectError(R"({"doc_id":7})", "doc_id");
  ExpectError(R"({"task":"t1"})", "task");
  ExpectError(R"({"task":{"task_id":5,"doc_id":"d1"}})", "task_id");
  ExpectError(R"({"task":{"task_id":"t1"}})", "doc_id");
  ExpectError(R"({"task":{"task_id":"t1","doc_id":"d1","parent_task_id":[]}})", "parent_task_id");
}

}  // namespace
}  // namespace longforge::envelope
