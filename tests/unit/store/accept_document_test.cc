#include "longforge/store/accept_document.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "support/temp_store.h"

namespace longforge::store {
namespace {

TEST(DocumentIdFrom, KeepsASafeIdAsItIs) {
  EXPECT_EQ(DocumentIdFrom("law-2024_07.v2"), "law-2024_07.v2");
  EXPECT_EQ(DocumentIdFrom(std::string(kMaxGivenIdBytes, 'x')), std::string(kMaxGivenIdBytes, 'x'));
}

TEST(DocumentIdFrom, MakesOtherIdsSafeWithoutMergingThem) {
  const std::set<std::string> ids = {DocumentIdFrom("a/b"), DocumentIdFrom("a_b"),
                                     DocumentIdFrom("a b"), DocumentIdFrom("a\\b"),
                                     DocumentIdFrom(".a_b")};
  EXPECT_EQ(ids.size(), 5u);
  for (const std::string& id : ids) {
    EXPECT_LE(id.size(), kMaxGivenIdBytes) << id;
    EXPECT_NE(id.front(), '.') << id;
    EXPECT_EQ(
        id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"),
        std::string::npos)
        << id;
  }
  EXPECT_EQ(DocumentIdFrom("a/b"), DocumentIdFrom("a/b"));  // stable across runs
}

TEST(DocumentIdFrom, CutsLongIdsKeepingThemApart) {
  const std::string stem(300, 'y');
  const std::string a = DocumentIdFrom(stem + "1"), b = DocumentIdFrom(stem + "2");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), kMaxGivenIdBytes);
}

TEST(AcceptDocument, StoresTheTextUnderItsHashOrItsGivenId) {
  TempDir dir;
  auto store = OpenTempStore(dir);
  auto hashed = AcceptDocument(*store, "Call me Ishmael.", "moby.txt", "", 1 << 20);
  ASSERT_TRUE(hashed.ok()) << hashed.error().message;
  EXPECT_EQ(hashed->id, DocumentIdOf("Call me Ishmael."));
  auto given = AcceptDocument(*store, "Call me Ishmael.", "moby.txt", "moby", 1 << 20);
  ASSERT_TRUE(given.ok()) << given.error().message;
  EXPECT_EQ(given->id, "moby");
  EXPECT_EQ(store->Get(DocumentStore::TextKey("moby")).value(), "Call me Ishmael.");
}

TEST(AcceptDocument, AGivenIdNamingAnotherTextIsADeadLetter) {
  TempDir dir;
  auto store = OpenTempStore(dir);
  ASSERT_TRUE(AcceptDocument(*store, "First.", "a.jsonl:1", "doc", 1 << 20).ok());
  ASSERT_TRUE(AcceptDocument(*store, "First.", "a.jsonl:2", "doc", 1 << 20).ok());
  auto other = AcceptDocument(*store, "Second.", "a.jsonl:3", "doc", 1 << 20);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().disposition, Disposition::kDeadLetter);
  EXPECT_EQ(other.error().message,
            "a.jsonl:3: document id \"doc\" already names a different text in the store");
  EXPECT_EQ(store->Get(DocumentStore::TextKey("doc")).value(), "First.");
}

TEST(AcceptDocument, ReportsPrepareDocumentProblemsNamingWhere) {
  TempDir dir;
  auto store = OpenTempStore(dir);
  auto bad = AcceptDocument(*store, std::string("ab\0cd", 5), "lf.documents[0]@7", "x", 1 << 20);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("lf.documents[0]@7: ", 0), 0u) << bad.error().message;
}

}  // namespace
}  // namespace longforge::store
