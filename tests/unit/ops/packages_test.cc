// ops/packages.txt is the one list of what a fresh Debian 12 machine needs: every
// program a test runs must be named there, so that ops/setup.sh installs it.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/programs.h"
#include "unit/ops/source_tree.h"

namespace longforge::testing {
namespace {

namespace fs = std::filesystem;

// Every file whose programs the test command runs: the test sources and the scripts
// ops/test.sh calls. This file is left out: its examples name made-up programs.
std::vector<fs::path> TestSources() {
  std::vector<fs::path> files = {kSource / "ops/test.sh",
                                 kSource / "ops/install-node-reference.sh"};
  for (const auto& entry : fs::recursive_directory_iterator(kSource / "tests")) {
    const fs::path& p = entry.path();
    if (p.string().find("node_modules") != std::string::npos) continue;
    const std::string ext = p.extension().string();
    if (!entry.is_regular_file() || p.filename() == "packages_test.cc") continue;
    if (ext == ".cc" || ext == ".h" || ext == ".sh" || ext == ".py") files.push_back(p);
  }
  return files;
}

TEST(PackagePrograms, ParsesPackageThenPrograms) {
  const auto programs = ParsePackagePrograms(
      "# comment line\n"
      "libfoo-dev\n"
      "prometheus prometheus promtool  # trailing comment\n"
      "\n"
      "python3 /usr/bin/python3\n");
  const std::map<std::string, std::string> want = {
      {"prometheus", "prometheus"}, {"promtool", "prometheus"}, {"/usr/bin/python3", "python3"}};
  EXPECT_EQ(programs, want);
}

TEST(PackagePrograms, FindsEveryFormTheTestsUseToRunAProgram) {
  // Built by concatenation so that this file itself holds none of the forms.
  const std::string run = "RunCommand(";
  const std::string source = run + "{\"kcat\", \"-P\"}, 30s);\n" +
                             "auto p = Subprocess::Start({\"prometheus\", \"--config\"});\n" +
                             "std::vector<std::string> argv = {\"promtool\"};\n" +
                             "LF_REQUIRE_PROGRAMS" + "(\"readelf\", \"dpkg\");\n" + "if ! command" +
                             " -v node >/dev/null; then\n" +
                             "constexpr const char* kPython = \"/usr/bin/python3\";\n" + run +
                             "{LongforgeBinary(), \"run\"});\n";
  const std::set<std::string> want = {"kcat", "prometheus", "promtool",        "readelf",
                                      "dpkg", "node",       "/usr/bin/python3"};
  EXPECT_EQ(ExecutedPrograms(source), want);
}

TEST(PackagePrograms, NamesTheMissingProgramAndItsPackage) {
  EXPECT_EQ(MissingPrograms({"sh"}), "");
  const std::string unknown = MissingPrograms({"lf-no-such-program"});
  EXPECT_NE(unknown.find("lf-no-such-program is not installed"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("ops/packages.txt names no package"), std::string::npos) << unknown;
}

TEST(PackagePrograms, EveryProgramTheTestsRunIsInstalledBySetup) {
  const auto& listed = PackagePrograms();
  ASSERT_FALSE(listed.empty()) << "could not read " << kSource / "ops/packages.txt";
  std::size_t seen = 0;
  for (const fs::path& file : TestSources()) {
    for (const std::string& program : ExecutedPrograms(Slurp(file))) {
      ++seen;
      EXPECT_TRUE(listed.count(program))
          << file.lexically_relative(kSource).string() << " runs `" << program
          << "`, which ops/packages.txt does not name: add `<debian-package> " << program
          << "` there so that ops/setup.sh installs it";
    }
  }
  // The scan found the programs the tests are known to run (it cannot pass vacuously).
  EXPECT_GE(seen, 8u);
}

}  // namespace
}  // namespace longforge::testing
