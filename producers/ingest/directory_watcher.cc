#include "producers/ingest/directory_watcher.h"

namespace longforge::producers {

std::vector<std::string> DirectoryWatcher::Poll() {
  namespace fs = std::filesystem;
  std::vector<std::string> stable;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    // Every query takes an error code: a file may disappear between listing and stat.
    std::error_code stat_ec;
    if (!it->is_regular_file(stat_ec) || it->path().filename().string().starts_with(".")) {
      continue;
    }
    const std::string path = it->path().string();
    if (taken_.contains(path)) continue;
    const std::uintmax_t size = fs::file_size(it->path(), stat_ec);
    if (stat_ec) continue;
    const fs::file_time_type mtime = fs::last_write_time(it->path(), stat_ec);
    if (stat_ec) continue;
    const Stamp stamp{size, mtime};
    const auto p = pending_.find(path);
    if (p != pending_.end() && p->second == stamp) {
      stable.push_back(path);
      taken_[path] = stamp;
      pending_.erase(p);
    } else {
      pending_[path] = stamp;
    }
  }
  return stable;
}

}  // namespace longforge::producers
