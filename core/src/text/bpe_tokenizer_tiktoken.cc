// Loading a tiktoken rank file ("<base64 token> <rank>" per line) and its split regex.

#include <charconv>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bpe_tokenizer_internal.h"

namespace longforge::text::bpe {
namespace {

using nlohmann::json;

// The published split regexes of OpenAI's encodings (tiktoken_ext/openai_public.py),
// for rank files that come without a .meta.json.
constexpr const char* kCl100kPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kO200kPattern =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

Status ReadRanks(const std::string& text, LoadedTokenizer& t) {
  std::size_t line_no = 0;
  std::size_t pos = 0;
  TokenId max_rank = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line(text.data() + pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const std::size_t space = line.find(' ');
    const auto bad = [&](const char* what) {
      return Error::Stop("bad line " + std::to_string(line_no) + ": " + what);
    };
    if (space == std::string_view::npos) return bad("expected \"<base64 token> <rank>\"");
    auto bytes = Base64Decode(line.substr(0, space));
    if (!bytes) return bad("the token is not base64");
    const std::string_view rank_text = line.substr(space + 1);
    TokenId rank = 0;
    const auto [end, ec] =
        std::from_chars(rank_text.data(), rank_text.data() + rank_text.size(), rank);
    if (ec != std::errc() || end != rank_text.data() + rank_text.size() || rank_text.empty()) {
      return bad("the rank is not a non-negative integer");
    }
    if (!t.model.AddToken(std::move(*bytes), rank)) return bad("the token appears twice");
    max_rank = std::max(max_rank, rank);
  }
  if (t.model.size() == 0) return Error::Stop("no ranks in the file");
  t.vocab_size = std::size_t{max_rank} + 1;
  return Status::Ok();
}

// Reads pat_str and the special tokens' ids from the sibling .meta.json, if any.
Status ReadMeta(const std::filesystem::path& rank_file, LoadedTokenizer& t) {
  std::filesystem::path meta = rank_file;
  meta.replace_extension(".meta.json");
  if (!std::filesystem::exists(meta)) meta = rank_file.string() + ".meta.json";
  if (!std::filesystem::exists(meta)) {
    const std::string stem = rank_file.stem().string();
    if (stem.find("cl100k") != std::string::npos) {
      t.pattern = kCl100kPattern;
    } else if (stem.find("o200k") != std::string::npos) {
      t.pattern = kO200kPattern;
    } else {
      return Error::Stop("no split regex: write it as \"pat_str\" into " +
                         rank_file.stem().string() + ".meta.json next to the rank file");
    }
    return Status::Ok();
  }
  std::ifstream in(meta, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const json root = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object() || !root.contains("pat_str") ||
      !root["pat_str"].is_string()) {
    return Error::Stop(meta.string() + ": not a JSON object with a string \"pat_str\"");
  }
  t.pattern = root["pat_str"].get<std::string>();
  const json specials = root.value("special_tokens", json::object());
  for (const auto& [content, id] : specials.items()) {
    if (id.is_number_unsigned()) {
      t.vocab_size = std::max(t.vocab_size, id.get<std::size_t>() + 1);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<LoadedTokenizer> LoadTiktokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Stop("tokenizer " + path + ": cannot open the file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  LoadedTokenizer t;
  if (Status s = ReadRanks(buffer.str(), t); !s) {
    return Error::Stop("tokenizer " + path + ": " + s.error().message);
  }
  if (Status s = t.model.IndexBytes(); !s) {
    return Error::Stop("tokenizer " + path + ": " + s.error().message);
  }
  if (Status s = ReadMeta(path, t); !s) {
    return Error::Stop("tokenizer " + path + ": " + s.error().message);
  }
  t.model.PairsFromRanks();
  t.model.set_whole_piece_lookup(true);
  t.name = std::filesystem::path(path).filename().string() + " (exact)";
  return t;
}

}  // namespace longforge::text::bpe
