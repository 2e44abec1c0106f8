#include "workers/sink/context_window.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "longforge/text/bpe_tokenizer.h"

namespace longforge::workers {
namespace {

const std::string kData = std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/";

std::string ReadBook(const std::string& name, std::size_t bytes) {
  std::ifstream in(kData + "books/" + name, std::ios::binary);
  if (!in) return "";
  std::string text(bytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(bytes));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// Every property the issue asks of a window, checked against the tokenizer itself.
void ExpectGoodWindow(const DocumentTokens& doc, Span evidence, const WindowRequest& request,
                      const std::variant<Window, WindowSkip>& cut) {
  const std::string where = "evidence " + std::to_string(evidence.begin) + "-" +
                            std::to_string(evidence.end) + ", depth " +
                            std::to_string(request.depth) + ", " + std::to_string(request.tokens) +
                            " tokens";
  ASSERT_TRUE(std::holds_alternative<Window>(cut))
      << where << ": skipped: " << std::get<WindowSkip>(cut).detail;
  const Window& w = std::get<Window>(cut);
  const std::string_view text = doc.text();
  EXPECT_LE(w.begin, evidence.begin) << where;
  EXPECT_GE(w.end, evidence.end) << where;
  EXPECT_EQ(doc.counter().Count(text.substr(w.begin, w.end - w.begin)), request.tokens) << where;
  EXPECT_EQ(w.tokens, request.tokens);
  const std::size_t before = doc.counter().Count(text.substr(w.begin, evidence.begin - w.begin));
  EXPECT_EQ(w.tokens_before, before) << where;
  const double free = static_cast<double>(request.tokens - w.evidence_tokens);
  EXPECT_NEAR(w.evidence_depth, static_cast<double>(before) / free, 1e-9) << where;
  // At the requested depth within one reading chunk.
  EXPECT_LE(std::abs(static_cast<double>(before) - request.depth * free),
            static_cast<double>(request.tolerance_tokens))
      << where;
}

void CheckBook(const std::string& book, const text::TokenCounter& counter,
               const std::vector<std::size_t>& sizes) {
  const std::string text = ReadBook(book, 600'000);
  if (text.empty()) GTEST_SKIP() << "book not found: ../shared/data/books/" << book;
  const DocumentTokens doc(text, counter);
  EXPECT_EQ(doc.tokens(), counter.Count(text)) << "lines add up to the document's count";
  // Evidence from the first third, the middle and the last third of the text.
  for (const double at : {0.3, 0.5, 0.7}) {
    std::size_t begin = text.find('\n', static_cast<std::size_t>(at * text.size())) + 1;
    const std::size_t end = text.find('\n', begin + 300);
    for (const std::size_t n : sizes) {
      for (const double depth : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        const WindowRequest request{n, depth, 1000};
        ExpectGoodWindow(doc, {begin, end}, request, CutWindow(doc, begin, end, request));
      }
    }
  }
}

std::unique_ptr<text::BpeTokenizer> Qwen() {
  auto t = text::BpeTokenizer::Load(kData + "tokenizers/qwen3/tokenizer.json");
  return t.ok() ? std::move(t.value()) : nullptr;
}

TEST(ContextWindow, ExactQwenWindowsHoldTheEvidenceAtEachDepthInEnglish) {
  const auto qwen = Qwen();
  if (!qwen) GTEST_SKIP() << "tokenizer not found: ../shared/data/tokenizers/qwen3";
  CheckBook("en_war_and_peace_pg2600.txt", *qwen, {4096, 32768});
}

TEST(ContextWindow, ExactQwenWindowsHoldTheEvidenceAtEachDepthInChinese) {
  const auto qwen = Qwen();
  if (!qwen) GTEST_SKIP() << "tokenizer not found: ../shared/data/tokenizers/qwen3";
  CheckBook("zh_hongloumeng.txt", *qwen, {4096, 32768});
}

TEST(ContextWindow, Cl100kWindowsAreExactToo) {
  auto cl100k = text::BpeTokenizer::Load(kData + "tokenizers/cl100k_base.tiktoken");
  if (!cl100k.ok()) GTEST_SKIP() << "tokenizer not found: ../shared/data/tokenizers/cl100k_base";
  CheckBook("en_war_and_peace_pg2600.txt", **cl100k, {8192});
}

// The estimator's lines do not add up (an ASCII run goes on over a line break); whole
// windows are counted then, and still come out exact.
TEST(ContextWindow, EstimatorWindowsAreExactByCountingWholeWindows) {
  std::ostringstream text;
  for (int i = 0; i < 3000; ++i) {
    text << "Line " << i << " tells of the river, the mill and the road to town.\n";
  }
  const auto estimator = text::MakeEstimator();
  const DocumentTokens doc(text.str(), *estimator);
  const std::string s = text.str();
  const std::size_t begin = s.find("Line 1500 "), end = s.find('\n', begin);
  for (const double depth : {0.0, 0.5, 1.0}) {
    const WindowRequest request{2000, depth, 50};
    ExpectGoodWindow(doc, {begin, end}, request, CutWindow(doc, begin, end, request));
  }
}

TEST(ContextWindow, SkipsSayWhy) {
  std::ostringstream text;
  for (int i = 0; i < 400; ++i) text << "Sentence number " << i << " of a short document.\n";
  const auto estimator = text::MakeEstimator();
  const DocumentTokens doc(text.str(), *estimator);
  const std::string s = text.str();
  const auto skip = [&](std::size_t begin, std::size_t end, WindowRequest r) {
    const auto cut = CutWindow(doc, begin, end, r);
    return std::holds_alternative<WindowSkip>(cut) ? std::get<WindowSkip>(cut) : WindowSkip{};
  };
  // Evidence of more tokens than the window.
  const auto wide = skip(0, s.size() / 2, {500, 0.5, 100});
  EXPECT_EQ(wide.reason, "evidence_wider_than_window");
  EXPECT_NE(wide.detail.find("500"), std::string::npos) << wide.detail;
  // A document shorter than the window.
  const auto shorter = skip(10, 40, {doc.tokens() + 1, 0.5, 100});
  EXPECT_EQ(shorter.reason, "document_shorter_than_window");
  EXPECT_NE(shorter.detail.find(std::to_string(doc.tokens())), std::string::npos);
  // Evidence at the very start cannot sit at the end of a window.
  const auto early = skip(0, 30, {1000, 1.0, 50});
  EXPECT_EQ(early.reason, "depth_unreachable");
  EXPECT_NE(early.detail.find("not 1.00"), std::string::npos) << early.detail;
  // ... but opens one.
  EXPECT_TRUE(std::holds_alternative<Window>(CutWindow(doc, 0, 30, {1000, 0.0, 50})));
  EXPECT_EQ(skip(40, 40, {1000, 0.5, 50}).reason, "no_evidence");
}

TEST(ContextWindow, KeyEvidenceIsWhereTheQuotesAre) {
  const std::string text = "aaaa. The key fact is here. bbbb. Other words. cccc. A second fact.";
  const auto span = [&text](const std::string& from, const std::string& to) {
    return Span{text.find(from), text.find(to) + to.size()};
  };
  const Span first = span("aaaa", "here."), middle = span("Other", "words."),
             last = span("cccc", "fact.");
  const std::vector<Span> spans = {first, middle, last};
  // The spans holding a quote, first to last; retrieval's other spans do not count.
  auto key = KeyEvidence(text, spans, {"The key fact is here."});
  ASSERT_TRUE(key);
  EXPECT_EQ(key->begin, first.begin);
  EXPECT_EQ(key->end, first.end);
  key = KeyEvidence(text, spans, {"The key fact is here.", "A second fact."});
  ASSERT_TRUE(key);
  EXPECT_EQ(key->begin, first.begin);
  EXPECT_EQ(key->end, last.end);
  // A quote outside every span counts where the text has it, and spans without a quote
  // do not.
  key = KeyEvidence(text, {last}, {"Other words."});
  ASSERT_TRUE(key);
  EXPECT_EQ(key->begin, middle.begin);
  EXPECT_EQ(key->end, middle.end);
  // No quote found: every span.
  key = KeyEvidence(text, spans, {"not in the text"});
  ASSERT_TRUE(key);
  EXPECT_EQ(key->begin, first.begin);
  EXPECT_EQ(key->end, last.end);
  EXPECT_FALSE(KeyEvidence(text, {}, {}));
}

TEST(ContextWindow, SizesAndDepthsParseOrSayWhatIsWrong) {
  const auto sizes = ParseTokenSizes("128k,32k,512K,1m,4000");
  ASSERT_TRUE(std::holds_alternative<std::vector<std::size_t>>(sizes));
  EXPECT_EQ(std::get<std::vector<std::size_t>>(sizes),
            (std::vector<std::size_t>{4000, 32768, 131072, 524288, 1048576}));
  for (const char* bad : {"", "32k,", "k", "0", "12x", "-5", "32k,32768"}) {
    const auto r = ParseTokenSizes(bad);
    ASSERT_TRUE(std::holds_alternative<std::string>(r)) << bad;
  }
  EXPECT_NE(std::get<std::string>(ParseTokenSizes("32k,12x")).find("\"12x\""), std::string::npos);
  EXPECT_EQ(TokensLabel(32768), "32k");
  EXPECT_EQ(TokensLabel(1048576), "1m");
  EXPECT_EQ(TokensLabel(32000), "32000");
  EXPECT_EQ(TokensLabel(4097), "4097");

  const auto depths = ParseDepths("0,0.25,1");
  ASSERT_TRUE(std::holds_alternative<std::vector<double>>(depths));
  EXPECT_EQ(std::get<std::vector<double>>(depths), (std::vector<double>{0, 0.25, 1}));
  for (const char* bad : {"", "1.5", "-0.1", "half", "0,,1", "nan"}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(ParseDepths(bad))) << bad;
  }
}

}  // namespace
}  // namespace longforge::workers
