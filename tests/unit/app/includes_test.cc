// app/ holds commands and wiring, not stage logic: every quoted #include in it names a
// file of app/, a core header (longforge/…), a stage descriptor
// (workers/<stage>/<stage>_stage.h) or a producer library (producers/…).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

namespace {

namespace fs = std::filesystem;

TEST(AppIncludes, NameOnlyAppCoreStageDescriptorsAndTheProducer) {
  const fs::path app = fs::path(LONGFORGE_SOURCE_DIR) / "app";
  const std::regex include(R"re(^#include "([^"]+)")re");
  const std::regex descriptor(R"re(workers/([a-z_]+)/\1_stage\.h)re");
  std::size_t seen = 0;
  for (const auto& entry : fs::recursive_directory_iterator(app)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".cc" && ext != ".h") continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (!std::regex_search(line, m, include)) continue;
      ++seen;
      const std::string name = m[1];
      const bool ok = name.rfind("longforge/", 0) == 0 || std::regex_match(name, descriptor) ||
                      name.rfind("producers/", 0) == 0 || fs::exists(app / name);
      EXPECT_TRUE(ok) << entry.path().lexically_relative(app).string() << " includes \"" << name
                      << "\": app/ may include its own files, core and producer headers and stage "
                         "descriptors";
    }
  }
  EXPECT_GT(seen, 20u);
}

}  // namespace
