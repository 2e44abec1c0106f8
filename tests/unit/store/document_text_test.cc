#include "longforge/store/document_text.h"

#include <gtest/gtest.h>

#include <string>

#include "longforge/store/document_store.h"

namespace longforge::store {
namespace {

void ExpectDeadLetter(const Result<PreparedDocument>& r, const std::string& needle) {
  ASSERT_FALSE(r.ok()) << "accepted although it should mention: " << needle;
  EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
  EXPECT_NE(r.error().message.find(needle), std::string::npos)
      << "\"" << r.error().message << "\" does not mention \"" << needle << "\"";
}

TEST(PrepareDocument, AcceptsTextAndIdentifiesIt) {
  auto r = PrepareDocument("Call me Ishmael.\n", "moby.txt");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->text, "Call me Ishmael.\n");
  EXPECT_EQ(r->id, DocumentIdOf("Call me Ishmael.\n"));
  EXPECT_EQ(r->id.size(), 32u);
}

TEST(PrepareDocument, RejectsNulByteNamingItsOffset) {
  const std::string bytes("abc\0def", 7);
  auto r = PrepareDocument(bytes, "in.bin");
  ExpectDeadLetter(r, "in.bin");
  ExpectDeadLetter(r, "NUL byte at offset 3");
}

TEST(PrepareDocument, RejectsInvalidUtf8NamingItsOffset) {
  auto r = PrepareDocument("hello \xC3\xA9 \xFF world", "topic[2]@17");
  ExpectDeadLetter(r, "topic[2]@17");
  ExpectDeadLetter(r, "invalid UTF-8 at byte offset 9");
}

TEST(PrepareDocument, RejectsEmptyText) {
  ExpectDeadLetter(PrepareDocument("", "empty.txt"), "empty.txt: empty document");
}

TEST(PrepareDocument, RejectsWhitespaceOnlyText) {
  ExpectDeadLetter(PrepareDocument(" \t\r\n\f\v\n", "blank.txt"), "blank.txt: only whitespace");
}

TEST(PrepareDocument, RejectsTextOverTheLimit) {
  const std::string text(101, 'a');
  auto r = PrepareDocument(text, "big.txt", 100);
  ExpectDeadLetter(r, "big.txt");
  ExpectDeadLetter(r, "101 bytes");
  ExpectDeadLetter(r, "100");
  EXPECT_TRUE(PrepareDocument(std::string(100, 'a'), "ok.txt", 100).ok());
}

// A UTF-8 byte order mark is not text: dropped, so a copy without one is the same
// document; offsets of later problems still count it, as the file does.
TEST(PrepareDocument, DropsAUtf8ByteOrderMarkCountingItInOffsets) {
  auto r = PrepareDocument("\xEF\xBB\xBFSame words.", "bom.txt");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->text, "Same words.");
  EXPECT_EQ(r->id, DocumentIdOf("Same words."));
  ExpectDeadLetter(PrepareDocument(std::string("\xEF\xBB\xBF"
                                               "ab\0",
                                               6),
                                   "n.txt"),
                   "NUL byte at offset 5");
  ExpectDeadLetter(PrepareDocument("\xEF\xBB\xBF\xFF", "u.txt"), "invalid UTF-8 at byte offset 3");
  ExpectDeadLetter(PrepareDocument("\xEF\xBB\xBF \n", "b.txt"), "only whitespace");
}

TEST(PrepareDocument, RefusesUtf16AndUtf32NamingTheEncoding) {
  ExpectDeadLetter(PrepareDocument(std::string("\xFF\xFEh\0", 4), "a.txt"),
                   "a.txt: UTF-16LE text (byte order mark at offset 0)");
  ExpectDeadLetter(PrepareDocument(std::string("\xFE\xFF\0h", 4), "b.txt"), "UTF-16BE");
  ExpectDeadLetter(PrepareDocument(std::string("\xFF\xFE\0\0h\0\0\0", 8), "c.txt"), "UTF-32LE");
  ExpectDeadLetter(PrepareDocument(std::string("\0\0\xFE\xFF\0\0\0h", 8), "d.txt"),
                   "iconv -f UTF-32BE -t UTF-8");
  // Without a mark, UTF-16 is NUL bytes, and the reason says it may be that.
  ExpectDeadLetter(PrepareDocument(std::string("h\0i\0", 4), "e.txt"),
                   "NUL byte at offset 1 (binary data, or UTF-16/32 text without a byte order "
                   "mark?)");
}

TEST(PrepareDocument, NormalisesToNfcSoVariantsShareAnId) {
  const std::string nfd = "Cafe\xCC\x81 cre\xCC\x80me";  // e + combining accents
  const std::string nfc = "Caf\xC3\xA9 cr\xC3\xA8me";
  auto a = PrepareDocument(nfd, "nfd.txt");
  auto b = PrepareDocument(nfc, "nfc.txt");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(a->text, nfc);
  EXPECT_EQ(b->text, nfc);
  EXPECT_EQ(a->id, b->id);
  EXPECT_EQ(a->id, DocumentIdOf(nfc));
  EXPECT_NE(PrepareDocument("Cafe", "x").value().id, a->id);
}

}  // namespace
}  // namespace longforge::store
