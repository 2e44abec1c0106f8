#include "producers/ingest/directory_watcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace longforge::producers {
namespace {

namespace fs = std::filesystem;

struct Dir {
  Dir() : path(fs::temp_directory_path() / ("lf-watch-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path / "sub");
  }
  ~Dir() { fs::remove_all(path); }
  void Write(const std::string& name, const std::string& text, bool append = false) {
    std::ofstream(path / name, append ? std::ios::app : std::ios::trunc) << text;
  }
  fs::path path;
};

TEST(DirectoryWatcher, TakesAFileOnceItHeldStillForOnePoll) {
  Dir d;
  DirectoryWatcher w(d.path.string());
  d.Write("a.txt", "first");
  EXPECT_TRUE(w.Poll().empty());  // seen once: may still be written
  EXPECT_EQ(w.Poll(), std::vector<std::string>{(d.path / "a.txt").string()});
  EXPECT_TRUE(w.Poll().empty());  // never twice
}

TEST(DirectoryWatcher, WaitsWhileAFileIsStillGrowing) {
  Dir d;
  DirectoryWatcher w(d.path.string());
  d.Write("sub/b.txt", "part one");
  EXPECT_TRUE(w.Poll().empty());
  d.Write("sub/b.txt", " and part two", /*append=*/true);
  EXPECT_TRUE(w.Poll().empty());  // size changed since the last poll
  EXPECT_EQ(w.Poll(), std::vector<std::string>{(d.path / "sub/b.txt").string()});
}

TEST(DirectoryWatcher, LeavesHiddenFilesAndSurvivesVanishingOnes) {
  Dir d;
  DirectoryWatcher w(d.path.string());
  d.Write(".c.tmp", "being written");
  d.Write("d.txt", "gone soon");
  EXPECT_TRUE(w.Poll().empty());
  fs::remove(d.path / "d.txt");
  EXPECT_TRUE(w.Poll().empty());
  EXPECT_TRUE(w.Poll().empty());
}

TEST(DirectoryWatcher, AMissingDirectoryYieldsNothing) {
  DirectoryWatcher w("/nonexistent/longforge-watch");
  EXPECT_TRUE(w.Poll().empty());
}

}  // namespace
}  // namespace longforge::producers
