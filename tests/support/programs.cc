#include "support/programs.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

namespace longforge::testing {

std::map<std::string, std::string> ParsePackagePrograms(const std::string& packages_txt) {
  std::map<std::string, std::string> programs;
  std::istringstream lines(packages_txt);
  for (std::string line; std::getline(lines, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string package, program;
    if (!(words >> package)) continue;
    while (words >> program) programs[program] = package;
  }
  return programs;
}

const std::map<std::string, std::string>& PackagePrograms() {
  static const auto programs = [] {
    std::ifstream in(std::string(LONGFORGE_SOURCE_DIR) + "/ops/packages.txt");
    std::ostringstream text;
    text << in.rdbuf();
    return ParsePackagePrograms(text.str());
  }();
  return programs;
}

std::set<std::string> ExecutedPrograms(const std::string& source) {
  static const std::regex first_argv(
      R"re((?:RunCommand|Start)\(\s*\{\s*"([^"]+)"|\bargv\s*=\s*\{\s*"([^"]+)")re");
  static const std::regex required(R"re(LF_REQUIRE_PROGRAMS\(([^)]*)\))re");
  static const std::regex quoted(R"re("([^"]+)")re");
  static const std::regex command_v(R"re(command -v ([A-Za-z0-9_.+-]+))re");
  static const std::regex absolute(R"re("((?:/usr)?/bin/[A-Za-z0-9_.+-]+)")re");
  std::set<std::string> found;
  const auto each = [&](const std::regex& re, auto&& take) {
    for (std::sregex_iterator it(source.begin(), source.end(), re), end; it != end; ++it) take(*it);
  };
  each(first_argv, [&](const std::smatch& m) { found.insert(m[1].matched ? m[1] : m[2]); });
  each(required, [&](const std::smatch& m) {
    const std::string names = m[1];
    for (std::sregex_iterator q(names.begin(), names.end(), quoted), end; q != end; ++q) {
      found.insert((*q)[1]);
    }
  });
  each(command_v, [&](const std::smatch& m) { found.insert(m[1]); });
  each(absolute, [&](const std::smatch& m) { found.insert(m[1]); });
  return found;
}

namespace {

bool Runnable(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

}  // namespace

std::string MissingPrograms(const std::vector<std::string>& programs) {
  std::string why;
  for (const auto& program : programs) {
    if (Runnable(program)) continue;
    const auto& known = PackagePrograms();
    const auto it = known.find(program);
    why += why.empty() ? "" : "; ";
    why += it == known.end()
               ? program + " is not installed, and ops/packages.txt names no package for it " +
                     "(add `<package> " + program + "` there)"
               : program + " is not installed: Debian package " + it->second +
                     " (ops/packages.txt); run ops/setup.sh";
  }
  return why;
}

}  // namespace longforge::testing
