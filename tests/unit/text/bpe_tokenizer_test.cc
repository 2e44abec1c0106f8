#include "longforge/text/bpe_tokenizer.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "longforge/common/utf8.h"
#include "longforge/text/token_counter.h"

namespace longforge::text {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Ids = std::vector<TokenId>;

const std::string kData = std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/tokenizers/";
const std::string kCl100k = kData + "cl100k_base.tiktoken";
const std::string kQwen3 = kData + "qwen3/tokenizer.json";

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("lf_bpe_test_" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) const {
    const fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

 private:
  fs::path path_;
};

// GPT-2's byte-level alphabet, written out independently of the library's own.
std::string ByteLevel(unsigned char b) {
  std::u32string all;
  std::uint32_t next = 256;
  for (std::uint32_t c = 0; c < 256; ++c) {
    const bool printable = (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || c >= 0xAE;
    all += char32_t(printable ? c : next++);
  }
  const std::uint32_t cp = all[b];
  std::string out;
  if (cp < 0x80) {
    out += char(cp);
  } else {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  }
  return out;
}

// A tiny byte-level tokenizer.json: ids 0..255 are the bytes, then the merges' results.
json TinyTokenizerJson(const std::vector<std::pair<std::string, std::string>>& merges,
                       bool array_form) {
  json vocab = json::object();
  for (int b = 0; b < 256; ++b) vocab[ByteLevel(static_cast<unsigned char>(b))] = b;
  json merge_list = json::array();
  TokenId next = 256;
  for (const auto& [l, r] : merges) {
    if (!vocab.contains(l + r)) vocab[l + r] = next++;
    merge_list.push_back(array_form ? json::array({l, r}) : json(l + " " + r));
  }
  return {
      {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", merge_list}}},
      {"pre_tokenizer",
       {{"type", "Sequence"},
        {"pretokenizers",
         json::array(
             {{{"type", "Split"},
               {"pattern", {{"Regex", R"( ?\p{L}+|\p{N}|\s+|[^\s\p{L}\p{N}]+)"}}},
               {"behavior", "Isolated"},
               {"invert", false}},
              {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}})}}},
      {"added_tokens", json::array({{{"id", 900}, {"content", "<|end|>"}, {"special", true}},
                                    {{"id", 901}, {"content", "<x>"}, {"special", false}}})},
  };
}

std::string ErrorOf(const std::string& path) {
  auto t = BpeTokenizer::Load(path);
  return t.ok() ? "" : t.error().message;
}

TEST(BpeTokenizer, MissingFileIsAnErrorNamingIt) {
  const std::string message = ErrorOf("/nonexistent/tokenizer.json");
  EXPECT_NE(message.find("/nonexistent/tokenizer.json"), std::string::npos) << message;
  auto counter = LoadTokenCounter("/nonexistent/x.tiktoken");
  ASSERT_FALSE(counter.ok());
  EXPECT_EQ(counter.error().disposition, Disposition::kStop);
}

TEST(BpeTokenizer, RejectsFilesOfTheWrongKind) {
  TempDir dir;
  const std::string not_json = dir.Write("tokenizer.json", "{\"model\": [1, 2");
  EXPECT_NE(ErrorOf(not_json).find("not valid JSON"), std::string::npos) << ErrorOf(not_json);
  EXPECT_NE(ErrorOf(not_json).find(not_json), std::string::npos);
  // Cut short, the offset is the end of the file; damaged inside, it is where.
  EXPECT_NE(ErrorOf(not_json).find("at byte offset 16 of 15 (the file ends there: cut short?)"),
            std::string::npos)
      << ErrorOf(not_json);
  const std::string damaged = dir.Write("damaged.json", "{\"model\": {\"type\" \"BPE\"}}");
  EXPECT_NE(ErrorOf(damaged).find("not valid JSON at byte offset 23 of 25"), std::string::npos)
      << ErrorOf(damaged);
  EXPECT_EQ(ErrorOf(damaged).find("cut short"), std::string::npos) << ErrorOf(damaged);

  json word_piece = TinyTokenizerJson({}, false);
  word_piece["model"]["type"] = "WordPiece";
  const std::string wp = dir.Write("wp.json", word_piece.dump());
  EXPECT_NE(ErrorOf(wp).find("not byte-level BPE"), std::string::npos) << ErrorOf(wp);

  json no_byte_level = TinyTokenizerJson({}, false);
  no_byte_level["pre_tokenizer"] = {{"type", "Whitespace"}};
  const std::string nbl = dir.Write("nbl.json", no_byte_level.dump());
  EXPECT_NE(ErrorOf(nbl).find("Whitespace"), std::string::npos) << ErrorOf(nbl);

  json bad_merge = TinyTokenizerJson({{"a", "b"}}, false);
  bad_merge["model"]["merges"].push_back("a zzz");
  const std::string bm = dir.Write("bm.json", bad_merge.dump());
  EXPECT_NE(ErrorOf(bm).find("model.merges[1]"), std::string::npos) << ErrorOf(bm);
}

TEST(BpeTokenizer, RankFileErrorsNameTheLine) {
  TempDir dir;
  const std::string meta = R"({"pat_str": "\\S+|\\s+", "special_tokens": {}})";
  dir.Write("broken.meta.json", meta);
  const std::string broken = dir.Write("broken.tiktoken", "IQ== 0\nIg== 1\nnot base64 2 x\n");
  EXPECT_NE(ErrorOf(broken).find("bad line 3"), std::string::npos) << ErrorOf(broken);
  const std::string bad_rank = dir.Write("broken.tiktoken", "IQ== 0\nIg== one\n");
  EXPECT_NE(ErrorOf(bad_rank).find("bad line 2"), std::string::npos) << ErrorOf(bad_rank);

  const std::string few_bytes = dir.Write("broken.tiktoken", "IQ== 0\n");
  EXPECT_NE(ErrorOf(few_bytes).find("no token for the single byte 0x00"), std::string::npos)
      << ErrorOf(few_bytes);

  // A complete rank file without a .meta.json and without a known name has no regex.
  std::string ranks;
  for (int b = 0; b < 256; ++b) {
    ranks += Base64Encode(std::string(1, char(b))) + " " + std::to_string(b) + "\n";
  }
  const std::string unnamed = dir.Write("mystery.tiktoken", ranks);
  EXPECT_NE(ErrorOf(unnamed).find("mystery.meta.json"), std::string::npos) << ErrorOf(unnamed);
  dir.Write("mystery.meta.json", meta);
  auto t = BpeTokenizer::Load(unnamed);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ((*t)->Encode("ab c"), (Ids{'a', 'b', ' ', 'c'}));
}

TEST(BpeTokenizer, TinyTokenizerMergesByRankInBothMergeForms) {
  TempDir dir;
  for (const bool array_form : {false, true}) {
    // "aa" before "ab": "aab" → "aa" "b", not "a" "ab".
    const json j = TinyTokenizerJson({{"a", "a"}, {"a", "b"}, {"aa", "aa"}}, array_form);
    auto t = BpeTokenizer::Load(dir.Write("tokenizer.json", j.dump()));
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ((*t)->Encode("aab"), (Ids{256, 'b'}));
    EXPECT_EQ((*t)->Encode("ab"), (Ids{257}));
    EXPECT_EQ((*t)->Encode("aaaaa"), (Ids{258, 'a'}));
    // Non-special added tokens are cut out; special ones stay text.
    EXPECT_EQ((*t)->Encode("a<x>b"), (Ids{'a', 901, 'b'}));
    EXPECT_EQ((*t)->Count("<|end|>"), 7u);  // plain text: one id per byte here
    EXPECT_EQ((*t)->VocabSize(), 902u);
  }
}

TEST(BpeTokenizer, LongPiecesMergeLikeShortOnes) {
  TempDir dir;
  const json j = TinyTokenizerJson({{"a", "a"}, {"aa", "aa"}}, false);
  auto t = BpeTokenizer::Load(dir.Write("tokenizer.json", j.dump()));
  ASSERT_TRUE(t.ok()) << t.error().message;
  // 10 bytes take the stack path, 1001 bytes the heap path; same rule either way.
  EXPECT_EQ((*t)->Encode(std::string(10, 'a')), (Ids{257, 257, 256}));
  Ids expected(250, 257);
  expected.push_back('a');
  EXPECT_EQ((*t)->Encode(std::string(1001, 'a')), expected);
}

TEST(BpeTokenizer, InvalidUtf8CountsAsReplacementCharacters) {
  TempDir dir;
  auto t = BpeTokenizer::Load(dir.Write("tokenizer.json", TinyTokenizerJson({}, false).dump()));
  ASSERT_TRUE(t.ok()) << t.error().message;
  // \xE2\x82 is one maximal subpart → one U+FFFD; \xFF is another.
  EXPECT_EQ((*t)->Encode("x\xE2\x82y\xFF"), (*t)->Encode("x\xEF\xBF\xBDy\xEF\xBF\xBD"));
  EXPECT_EQ((*t)->Count(""), 0u);
}

TEST(BpeTokenizer, DecodeInvertsEncode) {
  TempDir dir;
  const json j = TinyTokenizerJson({{"a", "a"}, {"a", "b"}}, false);
  auto t = BpeTokenizer::Load(dir.Write("tokenizer.json", j.dump()));
  ASSERT_TRUE(t.ok()) << t.error().message;
  for (const std::string text :
       {"", "aab  ab\n", "a<x>b<|end|>", "\xE7\x81\xAF \xF0\x9F\x9A\xA2"}) {
    EXPECT_EQ((*t)->Decode((*t)->Encode(text)), text);
  }
  // Invalid bytes were tokenised as U+FFFD; ids of no token (special, unknown) too.
  EXPECT_EQ((*t)->Decode((*t)->Encode("x\xFF")), "x\xEF\xBF\xBD");
  EXPECT_EQ((*t)->Decode({'a', 900, 5000}), "a\xEF\xBF\xBD\xEF\xBF\xBD");
}

// Expected ids below were produced once by tests/support/node_reference/encode.mjs
// (js-tiktoken 1.0.21 for cl100k, @lenml/tokenizers 3.7.2 for qwen3) on 2026-11-23.
struct Known {
  const char* text;
  Ids cl100k;
  Ids qwen3;
};
const std::vector<Known>& KnownEncodings() {
  static const std::vector<Known> k = {
      {"Hello world! It's 12345 tokens   \n\n",
       {9906, 1917, 0, 1102, 596, 220, 4513, 1774, 11460, 35033},
       {9707, 1879, 0, 1084, 594, 220, 16, 17, 18, 19, 20, 11211, 33933}},
      {"满纸荒唐言，一把辛酸泪！",
       {73597, 94,  23043, 116, 76698, 240, 84150, 238,   78244, 3922, 15120,
        24326, 232, 16205, 249, 165,   227, 116,   14888, 103,   6447},
       {99333, 100050, 101293, 100181, 77144, 3837, 104801, 100536, 99918, 100899, 6313}},
      {"Café naïve 👨‍👩‍👧 ok",
       {34, 2642, 978, 95980, 588, 62904, 101, 378, 235, 9468, 239, 102, 378, 235, 9468, 239, 100,
        5509},
       {34, 2577, 963, 94880, 586, 61804, 101, 378, 235, 145233, 378, 235, 145665, 5394}},
      {"<|endoftext|><think>x</think>",
       {27, 91, 8862, 728, 428, 91, 1822, 27963, 29357, 524, 27963, 29},
       {27, 91, 8691, 723, 427, 91, 29, 151667, 87, 151668}},
      {"    indented\r\n\r\nend  ",
       {262, 1280, 16243, 881, 408, 256},
       {262, 1257, 15864, 871, 408, 256}},
  };
  return k;
}

std::unique_ptr<BpeTokenizer> LoadOrNull(const std::string& path) {
  if (!fs::exists(path)) return nullptr;
  auto t = BpeTokenizer::Load(path);
  EXPECT_TRUE(t.ok()) << t.error().message;
  return t.ok() ? std::move(t.value()) : nullptr;
}

TEST(BpeTokenizer, MatchesReferenceIdsOnRealTokenizers) {
  auto cl100k = LoadOrNull(kCl100k);
  auto qwen3 = LoadOrNull(kQwen3);
  if (!cl100k || !qwen3) GTEST_SKIP() << "tokenizers not found under " << kData;
  EXPECT_EQ(cl100k->Name(), "cl100k_base.tiktoken (exact)");
  EXPECT_EQ(qwen3->Name(), "qwen3 tokenizer.json (exact)");
  EXPECT_EQ(cl100k->VocabSize(), 100277u);
  for (const Known& k : KnownEncodings()) {
    EXPECT_EQ(cl100k->Encode(k.text), k.cl100k) << k.text;
    EXPECT_EQ(qwen3->Encode(k.text), k.qwen3) << k.text;
    EXPECT_EQ(cl100k->Count(k.text), k.cl100k.size());
    EXPECT_EQ(qwen3->Count(k.text), k.qwen3.size());
  }
}

TEST(BpeTokenizer, CountEqualsEncodeSize) {
  auto qwen3 = LoadOrNull(kQwen3);
  if (!qwen3) GTEST_SKIP() << "tokenizer not found: " << kQwen3;
  const std::string long_run(5000, ' ');
  for (const std::string& text : {std::string("a"), std::string("x\xff\xfe y"), long_run + "z",
                                  std::string(3000, '7'), std::string("e\xCC\x81 and \xC3\xA9")}) {
    EXPECT_EQ(qwen3->Count(text), qwen3->Encode(text).size());
  }
}

TEST(BpeTokenizer, ConcurrentCountOnOneInstance) {
  auto cl100k = LoadOrNull(kCl100k);
  if (!cl100k) GTEST_SKIP() << "tokenizer not found: " << kCl100k;
  std::vector<std::string> texts;
  for (int i = 0; i < 8; ++i) {
    std::string t;
    for (int j = 0; j < 400; ++j) {
      t += "word" + std::to_string(i * 1000 + j) + (j % 7 == 0 ? "，红楼梦 " : " ") +
           std::string(j % 13, ' ');
    }
    texts.push_back(t);
  }
  std::vector<std::size_t> expected;
  for (const auto& t : texts) expected.push_back(cl100k->Encode(t).size());

  std::vector<int> mismatches(texts.size(), 0);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 30; ++round) {
        const std::string& t = texts[(i + round) % texts.size()];
        if (cl100k->Count(t) != expected[(i + round) % texts.size()]) ++mismatches[i];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace longforge::text
