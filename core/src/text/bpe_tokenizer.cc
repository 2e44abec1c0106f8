// BpeTokenizer: text → sections (added tokens) → pieces (regex) → ids (cached BPE).

#include "longforge/text/bpe_tokenizer.h"

#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <utility>

#include "bpe_tokenizer_internal.h"
#include "longforge/common/unicode.h"
#include "longforge/common/utf8.h"

namespace longforge::text {
namespace {

constexpr std::size_t kCacheShards = 64;
constexpr std::size_t kCacheEntriesPerShard = 4096;  // a full shard is emptied
constexpr std::size_t kMaxCachedPiece = 256;         // bytes

bool IsAscii(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Piece → ids, shared by all threads; sharded so that workers rarely wait.
class PieceCache {
 public:
  // Calls sink(ids) with the cached ids of `piece`, or with compute(piece) after
  // storing them.
  template <typename Compute, typename Sink>
  void Apply(std::string_view piece, Compute&& compute, Sink&& sink) {
    const std::size_t hash = std::hash<std::string_view>{}(piece);
    Shard& shard = shards_[(hash >> 7) % kCacheShards];
    {
      std::lock_guard lock(shard.mutex);
      const auto it = shard.map.find(piece);
      if (it != shard.map.end()) {
        sink(it->second);
        return;
      }
    }
    thread_local std::vector<TokenId> ids;
    ids.clear();
    compute(piece, ids);
    sink(ids);
    std::lock_guard lock(shard.mutex);
    if (shard.map.size() >= kCacheEntriesPerShard) shard.map.clear();
    shard.map.emplace(std::string(piece), ids);
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<TokenId>, Hash, std::equal_to<>> map;
  };
  std::array<Shard, kCacheShards> shards_;
};

}  // namespace

class BpeTokenizer::Impl {
 public:
  Impl(bpe::LoadedTokenizer t, bpe::PieceSplitter splitter)
      : t_(std::move(t)), splitter_(std::move(splitter)) {}

  // Calls sink(ids) for consecutive runs of ids of `text`.
  template <typename Sink>
  void Run(std::string_view text, Sink&& sink) const {
    std::string repaired;
    if (FindInvalidUtf8(text)) {
      repaired = bpe::ReplaceInvalidUtf8(text);
      text = repaired;
    }
    if (t_.added_tokens.empty()) {
      RunSection(text, sink);
      return;
    }
    // Next occurrence of each added token at or after `pos`, refreshed lazily, so each
    // token's content is searched through the text once.
    std::vector<std::size_t> next;
    for (const auto& added : t_.added_tokens) next.push_back(text.find(added.first));
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t best_at = std::string_view::npos, best = 0;
      for (std::size_t k = 0; k < next.size(); ++k) {
        const std::string& content = t_.added_tokens[k].first;
        if (next[k] != std::string_view::npos && next[k] < pos) next[k] = text.find(content, pos);
        if (next[k] < best_at || (next[k] == best_at && next[k] != std::string_view::npos &&
                                  content.size() > t_.added_tokens[best].first.size())) {
          best_at = next[k];
          best = k;
        }
      }
      if (best_at == std::string_view::npos) break;
      RunSection(text.substr(pos, best_at - pos), sink);
      const std::vector<TokenId> id{t_.added_tokens[best].second};
      sink(id);
      pos = best_at + t_.added_tokens[best].first.size();
    }
    if (pos < text.size()) RunSection(text.substr(pos), sink);
  }

  const bpe::LoadedTokenizer& loaded() const { return t_; }

  // The bytes of every id; built on first use, since only Decode needs it.
  const std::vector<std::optional<std::string>>& IdBytes() const {
    std::call_once(id_bytes_once_, [this] {
      id_bytes_.resize(t_.vocab_size);
      const auto add = [this](std::string_view bytes, TokenId id) {
        if (id >= id_bytes_.size()) id_bytes_.resize(std::size_t{id} + 1);
        id_bytes_[id] = std::string(bytes);
      };
      t_.model.ForEachToken(add);
      for (const auto& [content, id] : t_.added_tokens) add(content, id);
    });
    return id_bytes_;
  }

 private:
  template <typename Sink>
  void RunSection(std::string_view section, Sink& sink) const {
    if (section.empty()) return;
    std::string owned;
    if (t_.nfc && !IsAscii(section)) {
      if (Result<std::string> nfc = NormalizeNfc(section); nfc.ok()) {
        owned = std::move(nfc.value());
        section = owned;
      }
    }
    if (t_.add_prefix_space && section.front() != ' ') {
      owned = " " + std::string(section);
      section = owned;
    }
    const auto compute = [this](std::string_view piece, std::vector<TokenId>& out) {
      t_.model.EncodePiece(piece, out);
    };
    splitter_.ForEach(section, [&](std::string_view piece) {
      if (piece.size() > kMaxCachedPiece) {
        thread_local std::vector<TokenId> ids;
        ids.clear();
        compute(piece, ids);
        sink(ids);
      } else {
        cache_.Apply(piece, compute, sink);
      }
    });
  }

  bpe::LoadedTokenizer t_;
  bpe::PieceSplitter splitter_;
  mutable PieceCache cache_;
  mutable std::once_flag id_bytes_once_;
  mutable std::vector<std::optional<std::string>> id_bytes_;
};

BpeTokenizer::BpeTokenizer(bpe::LoadedTokenizer loaded, bpe::PieceSplitter splitter)
    : impl_(std::make_unique<Impl>(std::move(loaded), std::move(splitter))) {}

BpeTokenizer::~BpeTokenizer() = default;

namespace {

// Compiles the split regex of a loaded file; errors name the file.
Result<bpe::PieceSplitter> CompileSplitter(const Result<bpe::LoadedTokenizer>& loaded,
                                           const std::string& path) {
  if (!loaded.ok()) return loaded.error();
  auto splitter = bpe::PieceSplitter::Compile(loaded->pattern);
  if (!splitter.ok()) return Error::Stop("tokenizer " + path + ": " + splitter.error().message);
  return splitter;
}

}  // namespace

Result<std::unique_ptr<BpeTokenizer>> BpeTokenizer::LoadHuggingFace(const std::string& path) {
  auto loaded = bpe::LoadHuggingFaceFile(path);
  auto splitter = CompileSplitter(loaded, path);
  if (!splitter.ok()) return splitter.error();
  return std::unique_ptr<BpeTokenizer>(
      new BpeTokenizer(std::move(loaded.value()), std::move(splitter.value())));
}

Result<std::unique_ptr<BpeTokenizer>> BpeTokenizer::LoadTiktoken(const std::string& path) {
  auto loaded = bpe::LoadTiktokenFile(path);
  auto splitter = CompileSplitter(loaded, path);
  if (!splitter.ok()) return splitter.error();
  return std::unique_ptr<BpeTokenizer>(
      new BpeTokenizer(std::move(loaded.value()), std::move(splitter.value())));
}

Result<std::unique_ptr<BpeTokenizer>> BpeTokenizer::Load(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return LoadHuggingFace((fs::path(path) / "tokenizer.json"));
  if (!fs::exists(path, ec)) return Error::Stop("tokenizer " + path + ": no such file");
  const fs::path p(path);
  if (p.extension() == ".tiktoken") return LoadTiktoken(path);
  if (p.extension() == ".json") return LoadHuggingFace(path);
  // Unknown name: a JSON document starts with '{', a rank file with base64.
  std::ifstream in(path, std::ios::binary);
  char c = 0;
  while (in.get(c) && std::isspace(static_cast<unsigned char>(c))) {
  }
  return c == '{' ? LoadHuggingFace(path) : LoadTiktoken(path);
}

std::size_t BpeTokenizer::Count(std::string_view text) const {
  std::size_t n = 0;
  impl_->Run(text, [&n](const std::vector<TokenId>& ids) { n += ids.size(); });
  return n;
}

std::vector<TokenId> BpeTokenizer::Encode(std::string_view text) const {
  std::vector<TokenId> out;
  out.reserve(text.size() / 3);
  impl_->Run(text, [&out](const std::vector<TokenId>& ids) {
    out.insert(out.end(), ids.begin(), ids.end());
  });
  return out;
}

std::string BpeTokenizer::Decode(const std::vector<TokenId>& ids) const {
  const auto& table = impl_->IdBytes();
  std::string out;
  for (const TokenId id : ids) {
    if (id < table.size() && table[id]) {
      out += *table[id];
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD
    }
  }
  return out;
}

std::string BpeTokenizer::Name() const { return impl_->loaded().name; }

std::size_t BpeTokenizer::VocabSize() const { return impl_->loaded().vocab_size; }

}  // namespace longforge::text
