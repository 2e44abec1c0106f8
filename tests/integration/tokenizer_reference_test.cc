// BpeTokenizer against the JavaScript reference tokenizers, id by id: js-tiktoken for
// cl100k and @lenml/tokenizers (a transformers.js fork) for qwen3, run under Node by
// tests/support/node_reference/encode.mjs. Whole books from ../shared/data/books and
// edge cases written to a temp dir. Skips when node, node_modules
// (ops/install-node-reference.sh) or the data are missing.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "longforge/text/bpe_tokenizer.h"
#include "support/programs.h"
#include "support/subprocess.h"

namespace longforge::text {
namespace {

namespace fs = std::filesystem;
using Ids = std::vector<TokenId>;

const fs::path kSource = LONGFORGE_SOURCE_DIR;
const fs::path kData = kSource / ".." / "shared" / "data";
const fs::path kReference = kSource / "tests" / "support" / "node_reference";

struct Kind {
  const char* name;  // --kind of encode.mjs
  fs::path tokenizer;
};
const std::map<std::string, Kind> kKinds = {
    {"cl100k", {"cl100k", kData / "tokenizers" / "cl100k_base.tiktoken"}},
    {"qwen3", {"qwen3", kData / "tokenizers" / "qwen3" / "tokenizer.json"}},
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Ids ParseIds(const std::string& line) {
  Ids ids;
  const char* p = line.c_str();
  char* end = nullptr;
  for (;;) {
    const unsigned long v = std::strtoul(p, &end, 10);
    if (end == p) break;
    ids.push_back(static_cast<TokenId>(v));
    p = end;
  }
  return ids;
}

// Why the reference tokenizers cannot run here, or empty. Node and the pinned npm
// packages are installed by ops/setup.sh and ops/test.sh, so their absence fails a test.
std::string MissingReference() {
  if (auto missing = testing::MissingPrograms({"node"}); !missing.empty()) return missing;
  if (!fs::exists(kReference / "node_modules" / "js-tiktoken") ||
      !fs::exists(kReference / "node_modules" / "@lenml" / "tokenizers")) {
    return (kReference / "node_modules").string() +
           " lacks js-tiktoken or @lenml/tokenizers: run ops/install-node-reference.sh "
           "(ops/test.sh does)";
  }
  return "";
}

// The tokenizer files come from ../shared/data, which is optional: empty when present.
std::string MissingTokenizerFiles() {
  for (const auto& [_, kind] : kKinds) {
    if (!fs::exists(kind.tokenizer)) {
      return "this test needs ../shared/data: tokenizer missing: " + kind.tokenizer.string();
    }
  }
  return "";
}

const BpeTokenizer& Tokenizer(const std::string& kind) {
  static std::map<std::string, std::unique_ptr<BpeTokenizer>> loaded;
  auto& t = loaded[kind];
  if (!t) {
    auto r = BpeTokenizer::Load(kKinds.at(kind).tokenizer.string());
    if (!r.ok()) throw std::runtime_error(r.error().message);
    t = std::move(r.value());
  }
  return *t;
}

// Reference ids of each file, one run of Node for all of them.
std::vector<Ids> Reference(const std::string& kind, const std::vector<fs::path>& files) {
  std::vector<std::string> argv = {"node",        (kReference / "encode.mjs").string(),
                                   "--kind",      kKinds.at(kind).name,
                                   "--tokenizer", kKinds.at(kind).tokenizer.string()};
  for (const fs::path& f : files) argv.push_back(f.string());
  const testing::CommandResult r = testing::RunCommand(argv, std::chrono::minutes(3));
  EXPECT_EQ(r.exit_code, 0) << "reference failed: " << r.err;
  std::vector<Ids> ids;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) ids.push_back(ParseIds(line));
  EXPECT_EQ(ids.size(), files.size()) << "reference printed a wrong number of lines";
  ids.resize(files.size());
  return ids;
}

// Compares with a readable report: sizes and the first differing position.
void ExpectSameIds(const Ids& ours, const Ids& ref, const std::string& what) {
  if (ours == ref) return;
  std::size_t i = 0;
  while (i < ours.size() && i < ref.size() && ours[i] == ref[i]) ++i;
  std::ostringstream msg;
  msg << what << ": " << ours.size() << " ids vs reference " << ref.size()
      << "; first difference at " << i << ":";
  for (std::size_t k = i; k < i + 8; ++k) {
    msg << " [" << (k < ours.size() ? std::to_string(ours[k]) : "-") << " vs "
        << (k < ref.size() ? std::to_string(ref[k]) : "-") << "]";
  }
  ADD_FAILURE() << msg.str();
}

struct Edge {
  std::string name;
  std::string content;
};

std::vector<Edge> EdgeCases() {
  return {
      {"emoji_zwj",
       "Family: 👨‍👩‍👧‍👦 and 🏳️‍🌈, flags 🇯🇵🇫🇷, skin "
       "👍🏽 "
       "ok. "
       "😀😀😀\n"},
      {"combining",
       "Cafe\u0301 nai\u0308ve re\u0301sume\u0301 A\u030a \u1e9b\u0323 "
       "Z\u0335\u0321a\u0337l\u0336g\u0338o \u0915\u094d\u0937 한국어 "
       "\u1100\u1161\u11a8\n"},
      // Long runs are kept to a few thousand bytes: js-tiktoken merges in O(n^2).
      {"whitespace_runs", "a" + std::string(2000, ' ') + "b\t\t\t\n\n\n   \n" +
                              std::string(1000, '\t') + std::string(1000, '\n') +
                              "c   \u3000\u3000 d\u00a0\u00a0e \u2028 f\u2003\u2003g   "},
      {"digit_runs", std::string(3001, '1') + " x 98765432109876543210 ١٢٣٤٥ ۱۲۳ ①②③ ½ 12.5e10"},
      {"crlf", "Line one.\r\nLine two!\r\n\r\n\r\n  indented\r\n\tTab\r\nend\r\n"},
      {"bom", "\uFEFFThe Project Gutenberg eBook\r\n\uFEFF \uFEFF\uFEFFx\n"},
      // Zero-width characters and bidirectional marks, overrides and isolates, inside
      // words and around right-to-left text (docs/ROBUSTNESS.md).
      {"zero_width_rtl",
       "a\u200Bb\u200Cc\u200Dd\u2060e\uFEFFf \u200F\u200E\u05E9\u05DC\u05D5\u05DD\u202Eevil"
       "\u202C \u2066x\u2069 \u0645\u0631\u062D\u0628\u0627\u200F\u061C. "
       "\u200B\u200B\u200B\u202B\u202A\u202D\u2067\u2068\n"},
      {"contractions", "It's I'M we'RE they've he'd she'll you'Ll DON'T ’s 'x' ''s"},
      {"special_tokens_as_text",
       "<|endoftext|> <|im_start|>user\nhi<|im_end|> <think>a</think><tool_call>{}</tool_call>"},
      {"long_letter_runs", std::string(3000, 'a') + " " + std::string(2000, 'b') + " 语语语语。"},
      {"scripts",
       "Привет, мир! Γειά σου κόσμε. مرحبا بالعالم. שלום עולם. नमस्ते. "
       "こんにちは世界。안녕하세요. 𠀀𠀁𠀂 𝔘𝔫𝔦 ＦＵＬＬ ﬁﬂ\n"},
      {"code", "int main(){return 0;}//c\n\tif (a&&b||c) { x += y->z[3]; }\n```py\nprint('hi')\n"},
      {"empty", ""},
  };
}

// Invalid UTF-8 and, by hand, the same text with each maximal ill-formed subsequence
// replaced by one U+FFFD (Unicode 3.9 "substitution of maximal subparts", WHATWG).
constexpr const char* kInvalidUtf8 =
    "ok \xff\xfe bad \xc3( \xe2\x82 trunc \xed\xa0\x80 sur \xf0\x9f\x98 cut \xc0\xaf over "
    "\xf4\x90\x80\x80 big \x80 end \xe2";
std::string InvalidUtf8Replaced() {
  const std::string r = "\xEF\xBF\xBD";
  return "ok " + r + r + " bad " + r + "( " + r + " trunc " + r + r + r + " sur " + r + " cut " +
         r + r + " over " + r + r + r + r + " big " + r + " end " + r;
}

struct TempDir {
  fs::path path;  // removed with its contents when set
  ~TempDir() {
    if (!path.empty()) fs::remove_all(path);
  }
};

struct BookCase {
  std::string kind;
  std::string book;
};
void PrintTo(const BookCase& c, std::ostream* os) { *os << c.kind << " " << c.book; }

class BookReference : public ::testing::TestWithParam<BookCase> {};

TEST_P(BookReference, WholeBookIdsMatchNode) {
  const BookCase& c = GetParam();
  if (const std::string missing = MissingTokenizerFiles(); !missing.empty())
    GTEST_SKIP() << missing;
  const fs::path file = kData / "books" / c.book;
  if (!fs::exists(file)) GTEST_SKIP() << "this test needs ../shared/data: book missing: " << file;
  if (const std::string missing = MissingReference(); !missing.empty()) GTEST_FAIL() << missing;
  const std::string text = ReadFile(file);
  const Ids ours = Tokenizer(c.kind).Encode(text);
  ExpectSameIds(ours, Reference(c.kind, {file})[0], c.book);
  EXPECT_EQ(Tokenizer(c.kind).Count(text), ours.size());
}

std::vector<BookCase> BookCases() {
  std::vector<BookCase> cases;
  for (const char* kind : {"cl100k", "qwen3"}) {
    for (const char* book : {"en_war_and_peace_pg2600.txt", "en_moby_dick_pg2701.txt",
                             "zh_hongloumeng.txt", "zh_sanguoyanyi.txt"}) {
      cases.push_back({kind, book});
    }
  }
  return cases;
}

std::string BookCaseName(const ::testing::TestParamInfo<BookCase>& info) {
  const std::string& b = info.param.book;
  return info.param.kind + "_" + b.substr(0, b.find('.'));
}

INSTANTIATE_TEST_SUITE_P(Node, BookReference, ::testing::ValuesIn(BookCases()), BookCaseName);

class EdgeReference : public ::testing::TestWithParam<std::string> {};

TEST_P(EdgeReference, EdgeCaseIdsMatchNode) {
  const std::string kind = GetParam();
  if (const std::string missing = MissingTokenizerFiles(); !missing.empty())
    GTEST_SKIP() << missing;
  if (const std::string missing = MissingReference(); !missing.empty()) GTEST_FAIL() << missing;
  TempDir dir{fs::temp_directory_path() / ("lf_tok_ref_" + std::to_string(::getpid()))};
  fs::create_directories(dir.path);
  std::vector<Edge> edges = EdgeCases();
  edges.push_back({"invalid_utf8", kInvalidUtf8});
  std::vector<fs::path> files;
  for (const Edge& e : edges) {
    files.push_back(dir.path / (e.name + ".txt"));
    std::ofstream(files.back(), std::ios::binary) << e.content;
  }
  // The reference sees the replaced text too; Node's own decoder must agree with it.
  files.push_back(dir.path / "invalid_utf8_replaced.txt");
  std::ofstream(files.back(), std::ios::binary) << InvalidUtf8Replaced();

  const std::vector<Ids> reference = Reference(kind, files);
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const Ids ours = Tokenizer(kind).Encode(edges[i].content);
    ExpectSameIds(ours, reference[i], edges[i].name);
    EXPECT_EQ(Tokenizer(kind).Count(edges[i].content), ours.size()) << edges[i].name;
  }
  ExpectSameIds(Tokenizer(kind).Encode(kInvalidUtf8), reference.back(),
                "invalid_utf8 against the reference on the U+FFFD-replaced text");
}

INSTANTIATE_TEST_SUITE_P(Node, EdgeReference, ::testing::Values("cl100k", "qwen3"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace longforge::text
