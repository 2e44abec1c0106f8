// Loading a Hugging Face tokenizer.json of the byte-level BPE kind.

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bpe_tokenizer_internal.h"
#include "longforge/common/utf8.h"

namespace longforge::text::bpe {
namespace {

using nlohmann::json;

// GPT-2's regex, used by a ByteLevel pre-tokenizer whose use_regex is true.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// A vocabulary string in GPT-2's byte-level alphabet back to the bytes it stands for.
std::optional<std::string> DecodeByteLevel(std::string_view s) {
  static const std::array<std::int16_t, 0x144> kByteOf = [] {
    std::array<std::int16_t, 0x144> t{};
    t.fill(-1);
    const auto& alphabet = ByteLevelAlphabet();
    for (int b = 0; b < 256; ++b) t[DecodeUtf8(alphabet[b], 0).value] = std::int16_t(b);
    return t;
  }();
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const CodePoint c = DecodeUtf8(s, i);
    if (c.value >= kByteOf.size() || kByteOf[c.value] < 0) return std::nullopt;
    out += char(kByteOf[c.value]);
    i = c.end();
  }
  return out;
}

struct PreTokenizerConfig {
  std::vector<std::string> patterns;
  bool byte_level = false;
  bool add_prefix_space = false;
};

Status ReadPreTokenizer(const json& p, PreTokenizerConfig& out) {
  if (p.is_null()) return Status::Ok();
  const std::string type = p.value("type", "");
  if (type == "Sequence") {
    for (const json& inner : p.value("pretokenizers", json::array())) {
      if (Status s = ReadPreTokenizer(inner, out); !s) return s;
    }
    return Status::Ok();
  }
  if (type == "ByteLevel") {
    out.byte_level = true;
    out.add_prefix_space = p.value("add_prefix_space", false);
    if (p.value("use_regex", true)) out.patterns.push_back(kGpt2Pattern);
    return Status::Ok();
  }
  if (type == "Split") {
    const json& pattern = p.value("pattern", json::object());
    if (p.value("invert", false) || p.value("behavior", "") != "Isolated") {
      return Error::Stop("pre_tokenizer Split: only behavior Isolated without invert is supported");
    }
    if (pattern.contains("Regex")) {
      out.patterns.push_back(pattern["Regex"].get<std::string>());
    } else if (pattern.contains("String")) {
      // A literal: escape ASCII punctuation for PCRE2; UTF-8 bytes stay as they are.
      std::string quoted;
      for (const char c : pattern["String"].get<std::string>()) {
        if (static_cast<unsigned char>(c) < 0x80 && !std::isalnum(static_cast<unsigned char>(c))) {
          quoted += '\\';
        }
        quoted += c;
      }
      out.patterns.push_back(std::move(quoted));
    } else {
      return Error::Stop("pre_tokenizer Split has neither a Regex nor a String pattern");
    }
    return Status::Ok();
  }
  return Error::Stop("unsupported pre_tokenizer type \"" + type + "\"");
}

Status ReadNormalizer(const json& n, bool& nfc) {
  if (n.is_null()) return Status::Ok();
  const std::string type = n.value("type", "");
  if (type == "NFC") {
    nfc = true;
    return Status::Ok();
  }
  if (type == "Sequence") {
    for (const json& inner : n.value("normalizers", json::array())) {
      if (Status s = ReadNormalizer(inner, nfc); !s) return s;
    }
    return Status::Ok();
  }
  return Error::Stop("unsupported normalizer type \"" + type + "\"");
}

std::string MergePart(const json& merge, int index, bool* ok) {
  *ok = true;
  if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
    return merge[index].get<std::string>();
  }
  if (merge.is_string()) {
    const std::string& s = merge.get_ref<const std::string&>();
    const std::size_t space = s.find(' ');
    if (space != std::string::npos && s.find(' ', space + 1) == std::string::npos) {
      return index == 0 ? s.substr(0, space) : s.substr(space + 1);
    }
  }
  *ok = false;
  return {};
}

Result<LoadedTokenizer> Build(const json& root) {
  if (!root.is_object() || !root.contains("model")) return Error::Stop("no \"model\" object");
  const json& model = root["model"];
  const std::string type = model.value("type", "BPE");
  if (type != "BPE") return Error::Stop("model.type is \"" + type + "\", not byte-level BPE");
  if (!model.contains("vocab") || !model["vocab"].is_object() || !model.contains("merges") ||
      !model["merges"].is_array()) {
    return Error::Stop("model.vocab (object) and model.merges (array) are required");
  }
  if (model.value("byte_fallback", false)) {
    return Error::Stop("model.byte_fallback is set: a SentencePiece-style BPE, not byte-level");
  }
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    if (model.contains(key) && model[key].is_string() && !model[key].get<std::string>().empty()) {
      return Error::Stop(std::string("model.") + key + " is not supported");
    }
  }
  LoadedTokenizer t;
  PreTokenizerConfig pre;
  if (Status s = ReadPreTokenizer(root.value("pre_tokenizer", json()), pre); !s) return s.error();
  if (!pre.byte_level) return Error::Stop("no ByteLevel pre_tokenizer: not a byte-level BPE");
  if (pre.patterns.size() > 1) return Error::Stop("more than one split regex is not supported");
  t.pattern = pre.patterns.empty() ? "(?s).+" : pre.patterns[0];
  t.add_prefix_space = pre.add_prefix_space;
  if (Status s = ReadNormalizer(root.value("normalizer", json()), t.nfc); !s) return s.error();

  TokenId max_id = 0;
  for (const auto& [key, value] : model["vocab"].items()) {
    auto bytes = DecodeByteLevel(key);
    if (!bytes || !value.is_number_unsigned()) {
      return Error::Stop("model.vocab entry \"" + key + "\" is not a byte-level token with an id");
    }
    const auto id = value.get<TokenId>();
    max_id = std::max(max_id, id);
    t.model.AddToken(std::move(*bytes), id);
  }
  if (Status s = t.model.IndexBytes(); !s) return s.error();

  const json& merges = model["merges"];
  t.model.pairs().Reserve(merges.size());
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    bool ok_left = false, ok_right = false;
    const std::string left = MergePart(merges[rank], 0, &ok_left);
    const std::string right = MergePart(merges[rank], 1, &ok_right);
    const auto left_bytes = DecodeByteLevel(left), right_bytes = DecodeByteLevel(right);
    std::optional<TokenId> l, r, merged;
    if (ok_left && ok_right && left_bytes && right_bytes) {
      l = t.model.Find(*left_bytes);
      r = t.model.Find(*right_bytes);
      merged = t.model.Find(*left_bytes + *right_bytes);
    }
    if (!l || !r || !merged) {
      return Error::Stop("model.merges[" + std::to_string(rank) + "] (" + merges[rank].dump() +
                         ") is malformed or names a token missing from model.vocab");
    }
    t.model.pairs().Insert(*l, *r, {std::uint32_t(rank), *merged});
  }
  t.model.set_whole_piece_lookup(model.value("ignore_merges", false));

  for (const json& added : root.value("added_tokens", json::array())) {
    const auto id = added.value("id", TokenId{0});
    max_id = std::max(max_id, id);
    if (!added.value("special", false)) {
      t.added_tokens.emplace_back(added.value("content", ""), id);
    }
  }
  std::erase_if(t.added_tokens, [](const auto& a) { return a.first.empty(); });
  t.vocab_size = std::size_t{max_id} + 1;
  return t;
}

}  // namespace

Result<LoadedTokenizer> LoadHuggingFaceFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Stop("tokenizer " + path + ": cannot open the file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = std::move(buffer).str();
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    // The offset tells a file cut short (it is the end) from one damaged inside.
    return Error::Stop("tokenizer " + path + ": not valid JSON at byte offset " +
                       std::to_string(e.byte) + " of " + std::to_string(text.size()) +
                       (e.byte >= text.size() ? " (the file ends there: cut short?)" : ""));
  }
  Result<LoadedTokenizer> t = [&]() -> Result<LoadedTokenizer> {
    try {
      return Build(root);
    } catch (const json::exception& e) {
      // A field of the wrong JSON type somewhere in a file from outside.
      return Error::Stop(std::string("unexpected JSON structure: ") + e.what());
    }
  }();
  if (!t.ok()) return Error::Stop("tokenizer " + path + ": " + t.error().message);
  const std::filesystem::path p(path);
  const std::string dir = p.parent_path().filename().string();
  t->name = (dir.empty() ? "" : dir + " ") + p.filename().string() + " (exact)";
  return t;
}

}  // namespace longforge::text::bpe
