// The outline: chapter headings found by rule, tables of contents dropped, chapters cited
// with the larger divisions above them.
#include "longforge/text/outline.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace longforge::text {
namespace {

std::string Paragraph(const std::string& word) {
  std::string p;
  for (int i = 0; i < 40; ++i) p += word + " went on with the story. ";
  return p + "\n\n";
}

std::vector<std::string> Titles(const std::vector<Heading>& outline) {
  std::vector<std::string> titles;
  for (const auto& h : outline) titles.push_back(h.title);
  return titles;
}

TEST(DetectOutline, FindsEnglishChineseAndMarkdownHeadingsWithTheirLevels) {
  const std::string text =
      "BOOK ONE: 1805\n\nCHAPTER I\n\n" + Paragraph("Anna") + "  Chapter 2.  The Dinner  \r\n\n" +
      Paragraph("Pierre") + "\u3000第三章\u3000宝玉\n\n" + Paragraph("宝玉") + "## Part two\n" +
      Paragraph("Ishmael") + "SECTION 4\n\n" + Paragraph("Ahab") + "FIRST EPILOGUE: 1813 - 20\n\n" +
      Paragraph("Natasha") + "第十二卷\n\n" + Paragraph("黛玉");
  const auto outline = DetectOutline(text);
  ASSERT_EQ(Titles(outline),
            (std::vector<std::string>{"BOOK ONE: 1805", "CHAPTER I", "Chapter 2. The Dinner",
                                      "第三章\u3000宝玉", "## Part two", "SECTION 4",
                                      "FIRST EPILOGUE: 1813 - 20", "第十二卷"}));
  std::vector<int> levels;
  for (const auto& h : outline) levels.push_back(h.level);
  EXPECT_EQ(levels, (std::vector<int>{1, 2, 2, 2, 2, 3, 1, 1}));
  // Offsets point at the heading as written, without the surrounding blanks.
  for (const auto& h : outline) {
    EXPECT_EQ(text.substr(h.begin, h.end - h.begin).substr(0, 3), h.title.substr(0, 3));
  }
}

TEST(DetectOutline, IgnoresLinesThatOnlyLookLikeHeadings) {
  const std::string text = "Chapter and verse were quoted at him.\n" + Paragraph("He") +
                           "The chapter I liked best was the last.\n" + "BOOKS ONE TO THREE\n" +
                           "第一次见面\n\n" + "第四回中既将薛家母子在荣府内寄居等事略已表明。\n\n" +
                           "#hashtag\n" + std::string(170, 'x') + "\n" +
                           "CHAPTER IX and then a very long line " + std::string(140, 'y') + "\n" +
                           Paragraph("She");
  EXPECT_TRUE(DetectOutline(text).empty()) << Titles(DetectOutline(text)).front();
}

TEST(DetectOutline, DropsTheTableOfContents) {
  const std::string text =
      "CONTENTS\n\n    BOOK ONE: 1805\n\n    CHAPTER I\n\n    CHAPTER II\n\n"
      "    BOOK TWO: 1806\n\n    CHAPTER I\n\n"
      "BOOK ONE: 1805\n\nCHAPTER I\n\n" +
      Paragraph("Anna") + "CHAPTER II\n\n" + Paragraph("Pierre") +
      "BOOK TWO: 1806\n\nCHAPTER I\n\n" + Paragraph("Nikolai");
  const auto outline = DetectOutline(text);
  EXPECT_EQ(Titles(outline), (std::vector<std::string>{"BOOK ONE: 1805", "CHAPTER I", "CHAPTER II",
                                                       "BOOK TWO: 1806", "CHAPTER I"}));
  EXPECT_EQ(outline.front().begin, text.find("BOOK ONE", 20)) << "the contents' entries are gone";
}

TEST(ChapterAt, NamesTheChapterWithTheDivisionsAboveIt) {
  const std::string text = "Preface text.\nBOOK ONE: 1805\n\nCHAPTER I\n\n" + Paragraph("Anna") +
                           "CHAPTER II\n\n" + Paragraph("Pierre") + "BOOK TWO: 1806\n\n" +
                           Paragraph("Nikolai") + "CHAPTER I\n\n" + Paragraph("Andrew");
  const auto outline = DetectOutline(text);
  ASSERT_EQ(outline.size(), 5u);
  EXPECT_EQ(ChapterAt(outline, 0), "");
  EXPECT_EQ(HeadingIndexAt(outline, 0), -1);
  EXPECT_EQ(ChapterAt(outline, text.find("Anna")), "BOOK ONE: 1805 / CHAPTER I");
  EXPECT_EQ(ChapterAt(outline, text.find("Pierre")), "BOOK ONE: 1805 / CHAPTER II");
  EXPECT_EQ(ChapterAt(outline, text.find("Nikolai")), "BOOK TWO: 1806");
  EXPECT_EQ(ChapterAt(outline, text.find("Andrew")), "BOOK TWO: 1806 / CHAPTER I");
  EXPECT_EQ(ChapterAt(outline, outline[1].begin), "BOOK ONE: 1805 / CHAPTER I");
  EXPECT_EQ(ChapterAt(outline, text.size()), "BOOK TWO: 1806 / CHAPTER I");
}

TEST(DetectOutline, InvalidUtf8AndEmptyTextAreHarmless) {
  EXPECT_TRUE(DetectOutline("").empty());
  const std::string text = "CHAPTER \xff\xfe I\n\xc3\n第\xe4\xb8章\n" + Paragraph("x");
  EXPECT_TRUE(DetectOutline(text).empty());
  const std::string valid =
      "\xef\xbb\xbf"
      "CHAPTER I\n\n" +
      Paragraph("\xff");
  EXPECT_EQ(Titles(DetectOutline(valid)), (std::vector<std::string>{"CHAPTER I"}));
}

std::string ReadBook(const std::string& name) {
  std::ifstream in(std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/books/" + name,
                   std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The real books: every chapter found once, none from the contents.
TEST(DetectOutline, FindsTheChaptersOfTheBooks) {
  struct Book {
    const char* name;
    std::size_t headings;
    const char* first;
    const char* last;
  };
  for (const Book& b :
       {Book{"en_war_and_peace_pg2600.txt", 382, "BOOK ONE: 1805", "CHAPTER XII"},
        Book{"en_moby_dick_pg2701.txt", 135 + 1, "CHAPTER 1. Loomings.",
             "Epilogue “AND I ONLY AM ESCAPED ALONE TO TELL THEE” Job."},
        Book{"zh_hongloumeng.txt", 120, "第一回 甄士隐梦幻识通灵\u3000贾雨村风尘怀闺秀",
             "第一二零回 甄士隐详说太虚情\u3000贾雨村归结红楼梦"}}) {
    SCOPED_TRACE(b.name);
    const std::string text = ReadBook(b.name);
    if (text.empty()) {
      GTEST_SKIP() << "book not found: ../shared/data/books/" << b.name;
    }
    const auto outline = DetectOutline(text);
    ASSERT_FALSE(outline.empty());
    EXPECT_EQ(outline.size(), b.headings);
    EXPECT_EQ(outline.front().title, b.first);
    if (b.last != nullptr) {
      EXPECT_EQ(outline.back().title, b.last);
    }
  }
}

}  // namespace
}  // namespace longforge::text
