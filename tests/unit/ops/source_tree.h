#pragma once
// The source tree the ops tests read: its root and a file's bytes.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace longforge::testing {

inline const std::filesystem::path kSource = LONGFORGE_SOURCE_DIR;

// The bytes of `path`, or "" when it cannot be read.
inline std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace longforge::testing
