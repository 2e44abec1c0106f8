#include "longforge/store/document_store.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "longforge/common/hash.h"

namespace longforge::store {
namespace fs = std::filesystem;

namespace {

bool ValidKey(const std::string& key) {
  if (key.empty() || key.size() > 200 || key[0] == '.') return false;
  for (const char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Opening `path` failed with `err`: a missing value is a fact about the input (dead
// letter); anything else (permissions, a lost mount, no descriptors left) may pass, and
// is retried rather than recorded as a bad input.
Error OpenError(const std::string& path, int err) {
  if (err == ENOENT) return Error::DeadLetter("document store: " + path + " is missing");
  return Error::Retry("document store: cannot open " + path + ": " +
                      (err != 0 ? std::strerror(err) : "unknown error"));
}

}  // namespace

std::string DocumentIdOf(std::string_view normalized_text) { return Hash128Hex(normalized_text); }

Result<std::unique_ptr<DocumentStore>> DocumentStore::Open(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    return Error::Stop("document store " + dir + ": " +
                       (ec ? ec.message() : std::string("not a directory")));
  }
  return std::unique_ptr<DocumentStore>(new DocumentStore(fs::absolute(dir).string()));
}

std::string DocumentStore::PathOf(const std::string& key) const {
  // Two-character fan-out keeps directories small with millions of documents.
  return dir_ + "/" + key.substr(0, 2) + "/" + key;
}

bool DocumentStore::Contains(const std::string& key) const {
  return ValidKey(key) && fs::exists(PathOf(key));
}

Status DocumentStore::Put(const std::string& key, std::string_view bytes) {
  if (!ValidKey(key)) return Error::DeadLetter("document store: invalid key \"" + key + "\"");
  const std::string path = PathOf(key);
  if (fs::exists(path)) return {};
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return Error::Stop("document store: " + path + ": " + ec.message());
  static std::atomic<uint64_t> counter{0};
  const std::string tmp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      fs::remove(tmp, ec);
      return Error::Stop("document store: writing " + tmp + " failed (disk full?)");
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Error::Stop("document store: rename to " + path + ": " + ec.message());
  }
  return {};
}

Result<std::string> DocumentStore::Get(const std::string& key) const {
  if (!ValidKey(key)) return Error::DeadLetter("document store: invalid key \"" + key + "\"");
  const std::string path = PathOf(key);
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return OpenError(path, errno);
  std::string out;
  in.seekg(0, std::ios::end);
  out.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  if (!in) return Error::Retry("document store: reading " + path + " failed");
  return out;
}

}  // namespace longforge::store

namespace longforge::store {

Result<std::string> DocumentStore::GetRange(const std::string& key, uint64_t begin,
                                            uint64_t end) const {
  if (!ValidKey(key)) return Error::DeadLetter("document store: invalid key \"" + key + "\"");
  if (end < begin) return Error::DeadLetter("document store: bad range for " + key);
  const std::string path = PathOf(key);
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return OpenError(path, errno);
  in.seekg(0, std::ios::end);
  if (static_cast<uint64_t>(in.tellg()) < end) {
    return Error::DeadLetter("document store: " + path + " is shorter than offset " +
                             std::to_string(end));
  }
  std::string out(end - begin, '\0');
  in.seekg(static_cast<std::streamoff>(begin));
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  if (!in) return Error::Retry("document store: reading " + path + " failed");
  return out;
}

}  // namespace longforge::store
