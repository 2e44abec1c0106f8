#include "longforge/store/document_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "longforge/common/hash.h"
#include "support/temp_store.h"

namespace longforge::store {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> FilesUnder(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path().filename().string());
  }
  return out;
}

TEST(DocumentStore, OpenCreatesTheDirectory) {
  TempDir dir;
  auto s = DocumentStore::Open(dir / "a/b/store");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(fs::is_directory(dir / "a/b/store"));
}

TEST(DocumentStore, OpenOnAFileIsAStopErrorNamingIt) {
  TempDir dir;
  std::ofstream(dir / "file") << "x";
  auto s = DocumentStore::Open(dir / "file");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().disposition, Disposition::kStop);
  EXPECT_NE(s.error().message.find(dir / "file"), std::string::npos) << s.error().message;
}

TEST(DocumentStore, PutThenGetReturnsTheBytes) {
  TempDir dir;
  auto store = OpenTempStore(dir);
  const std::string bytes("binary\0and text \xC3\xA9\n", 19);
  ASSERT_TRUE(store->Put("abc123.txt", bytes).ok());
  EXPECT_TRUE(store->Contains("abc123.txt"));
  auto got = store->Get("abc123.txt");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, bytes);
  EXPECT_TRUE(fs::exists(store->PathOf("abc123.txt")));
}

TEST(DocumentStore, PutIsAtomicLeavingNoTempFiles) {
  TempDir dir;
  auto store = OpenTempStore(dir);
  ASSERT_TRUE(store->Put("k1.txt", std::string(1 << 20, 'x')).ok());
  ASSERT_TRUE(store->Put("k2.txt", "small").ok());
  auto files = FilesUnder(dir / "store");
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"k1.txt", "k2.txt"}));
}

TEST(DocumentStore, PutIsIdempotentAndNeverOverwrites) {
  TempDir dir;
  auto store = OpenTempStore(dir);
  ASSERT_TRUE(store->Put("doc.txt", "first").ok());
  ASSERT_TRUE(store->Put("doc.txt", "second").ok());  // immutable: keeps the first
  EXPECT_EQ(store->Get("doc.txt").value(), "first");
}

TEST(DocumentStore, ConcurrentPutsOfTheSameKeyAgree) {
  TempDir dir;
  auto store = OpenTempStore(dir);
  const std::string text(200000, 'z');
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (!store->Put("same.txt", text).ok()) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(store->Get("same.txt").value(), text);
  EXPECT_EQ(FilesUnder(dir / "store"), std::vector<std::string>{"same.txt"});
}

TEST(DocumentStore, GetRangeReadsABytesSlice) {
  TempDir dir;
  auto store = OpenTempStore(dir);
  ASSERT_TRUE(store->Put("r.txt", "0123456789").ok());
  EXPECT_EQ(store->GetRange("r.txt", 2, 5).value(), "234");
  EXPECT_EQ(store->GetRange("r.txt", 0, 10).value(), "0123456789");
  EXPECT_EQ(store->GetRange("r.txt", 4, 4).value(), "");
}

TEST(DocumentStore, GetRangeBeyondTheEndIsADeadLetter) {
  TempDir dir;
  auto store = OpenTempStore(dir);
  ASSERT_TRUE(store->Put("r.txt", "0123456789").ok());
  auto past = store->GetRange("r.txt", 5, 11);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().disposition, Disposition::kDeadLetter);
  auto backwards = store->GetRange("r.txt", 5, 2);
  ASSERT_FALSE(backwards.ok());
  EXPECT_EQ(backwards.error().disposition, Disposition::kDeadLetter);
}

TEST(DocumentStore, RejectsKeysOutsideTheSafeAlphabet) {
  TempDir dir;
  auto store = OpenTempStore(dir);
  for (const std::string& key : std::vector<std::string>{
           "../x", "a/b", "", ".hidden", "..", "sp ace", "semi;colon", std::string(201, 'a')}) {
    SCOPED_TRACE(key);
    auto put = store->Put(key, "x");
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.error().disposition, Disposition::kDeadLetter);
    auto get = store->Get(key);
    ASSERT_FALSE(get.ok());
    EXPECT_EQ(get.error().disposition, Disposition::kDeadLetter);
    EXPECT_FALSE(store->GetRange(key, 0, 1).ok());
    EXPECT_FALSE(store->Contains(key));
  }
  EXPECT_FALSE(fs::exists(dir / "x"));
  EXPECT_TRUE(store->Put("A-z_0.9", "ok").ok());
}

TEST(DocumentStore, MissingKeyIsADeadLetterNamingThePath) {
  TempDir dir;
  auto store = OpenTempStore(dir);
  EXPECT_FALSE(store->Contains("nothing.txt"));
  for (auto r : {store->Get("nothing.txt"), store->GetRange("nothing.txt", 0, 1)}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().disposition, Disposition::kDeadLetter);
    EXPECT_NE(r.error().message.find(store->PathOf("nothing.txt")), std::string::npos)
        << r.error().message;
  }
}

TEST(DocumentStore, UnopenableValueIsARetryNamingThePath) {
  TempDir dir;
  auto store = OpenTempStore(dir);
  ASSERT_TRUE(store->Put("loop.txt", "x").ok());
  // A value that exists but cannot be opened (ELOOP here; EACCES or EIO elsewhere) is no
  // fact about the input: dead-lettering it would drop work a fixed store can do.
  const std::string path = store->PathOf("loop.txt");
  fs::remove(path);
  fs::create_symlink(path, path);
  for (auto r : {store->Get("loop.txt"), store->GetRange("loop.txt", 0, 1)}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().disposition, Disposition::kRetry);
    EXPECT_NE(r.error().message.find(path), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("Too many levels of symbolic links"), std::string::npos)
        << r.error().message;
  }
}

TEST(DocumentIdOf, IsTheHashOfTheText) {
  EXPECT_EQ(DocumentIdOf("some text"), Hash128Hex("some text"));
  EXPECT_EQ(DocumentStore::TextKey("abc"), "abc.txt");
}

}  // namespace
}  // namespace longforge::store
