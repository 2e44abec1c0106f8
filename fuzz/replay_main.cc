// Runs a fuzz target's LLVMFuzzerTestOneInput over files, without libFuzzer: the seed
// corpus replayed in every normal (gcc) build, so the targets' properties are checked in
// each CI run. Arguments are files or directories (every regular file in them, in name
// order). A broken property aborts; exit 1 when an argument cannot be read or holds no
// file, so a moved corpus cannot pass vacuously.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

namespace fs = std::filesystem;

bool ReadFile(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 1;
  }
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg = argv[i];
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<fs::path> in_dir;
      for (const auto& entry : fs::directory_iterator(arg, ec)) {
        if (entry.is_regular_file()) in_dir.push_back(entry.path());
      }
      if (ec || in_dir.empty()) {
        std::fprintf(stderr, "%s: no readable file in directory %s\n", argv[0], argv[i]);
        return 1;
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.push_back(arg);
    }
  }
  std::string data;
  for (const fs::path& file : files) {
    if (!ReadFile(file, data)) {
      std::fprintf(stderr, "%s: cannot read %s\n", argv[0], file.c_str());
      return 1;
    }
    std::fprintf(stderr, "replay %s (%zu bytes)\n", file.c_str(), data.size());
    // A copy of exactly `size` bytes, so ASan sees a read past the end.
    std::vector<std::uint8_t> copy(data.begin(), data.end());
    LLVMFuzzerTestOneInput(copy.data(), copy.size());
  }
  std::fprintf(stderr, "replayed %zu inputs, every property held\n", files.size());
  return 0;
}
