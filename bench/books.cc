#include "bench/books.h"

#include <fstream>
#include <map>
#include <sstream>

namespace longforge::bench {

const std::string& Book(const std::string& name) {
  static std::map<std::string, std::string> cache;
  auto it = cache.find(name);
  if (it != cache.end()) {
    return it->second;
  }
  std::ifstream in(std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/books/" + name,
                   std::ios::binary);
  std::ostringstream s;
  if (in) {
    s << in.rdbuf();
  }
  return cache[name] = s.str();
}

bool Load(benchmark::State& state, const std::string& name, const std::string** book) {
  *book = &Book(name);
  if (!(*book)->empty()) {
    return true;
  }
  state.SkipWithError(("book not found: ../shared/data/books/" + name).c_str());
  return false;
}

}  // namespace longforge::bench
