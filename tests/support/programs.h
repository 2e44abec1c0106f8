#pragma once
// The programs tests run, and the Debian packages they come from. ops/packages.txt is
// the one list: ops/setup.sh installs its packages, and a test that needs a program
// missing here fails with the program's name and package instead of skipping (a skip is
// only for the optional data in ../shared/data).

#include <map>
#include <set>
#include <string>
#include <vector>

namespace longforge::testing {

// program -> package, from the text of ops/packages.txt: each non-comment line is
// `<package> <program>...`. A program is a name looked up on PATH or an absolute path.
std::map<std::string, std::string> ParsePackagePrograms(const std::string& packages_txt);

// The programs ops/packages.txt names (read from the source tree).
const std::map<std::string, std::string>& PackagePrograms();

// Programs a test source executes, by the forms the tests use: the first argv literal
// of RunCommand({...}), Subprocess::Start({...}) and `argv = {...}`, names in
// LF_REQUIRE_PROGRAMS(...), `command -v <name>`, and string literals that are absolute
// paths under /usr/bin or /bin.
std::set<std::string> ExecutedPrograms(const std::string& source);

// Empty when every program is on PATH (or, for an absolute path, executable); else one
// sentence naming each missing program with its Debian package and how to install it.
std::string MissingPrograms(const std::vector<std::string>& programs);

}  // namespace longforge::testing

// Fails the current test (and returns from it) when a program it runs is missing.
#define LF_REQUIRE_PROGRAMS(...)                                                            \
  if (const std::string lf_missing_ = ::longforge::testing::MissingPrograms({__VA_ARGS__}); \
      !lf_missing_.empty())                                                                 \
  GTEST_FAIL() << lf_missing_
