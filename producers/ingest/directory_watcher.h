#pragma once
// `ingest --watch`: which files of a directory are new and finished. A file is taken once
// its size and modification time held still between two polls (it is no longer being
// written), and never again. Hidden files (a name starting with '.') are left alone,
// so writers can create `.name.tmp` and rename it when done.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace longforge::producers {

class DirectoryWatcher {
 public:
  explicit DirectoryWatcher(std::string dir) : dir_(std::move(dir)) {}

  // Lists the directory (recursively) and returns the files that became stable since
  // the previous call, in listing order. A file that vanishes or cannot be read while
  // listing is skipped this time, not an error. Not thread-safe.
  std::vector<std::string> Poll();

  const std::string& dir() const { return dir_; }

 private:
  using Stamp = std::pair<std::uintmax_t, std::filesystem::file_time_type>;
  std::string dir_;
  std::map<std::string, Stamp> taken_, pending_;
};

}  // namespace longforge::producers
