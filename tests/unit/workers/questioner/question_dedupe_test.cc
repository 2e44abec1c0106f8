#include "workers/questioner/question_dedupe.h"

#include <gtest/gtest.h>

namespace longforge::workers {
namespace {

TEST(NormalizeQuestion, FoldsCasePunctuationAndSpacing) {
  EXPECT_EQ(NormalizeQuestion("  Who was   Ahab?! "), "who was ahab");
  EXPECT_EQ(NormalizeQuestion("长江是哪国的河流？"), "长 江 是 哪 国 的 河 流");
  EXPECT_EQ(NormalizeQuestion("Straße, café"), "straße café");
}

TEST(NormalizeQuestion, FoldsNonAsciiCaseAndFullWidthForms) {
  // Only ASCII used to be folded: "ÉCOLE" stayed "École" and "１８１７" was no number.
  EXPECT_EQ(NormalizeQuestion("ÉCOLE NORMALE"), "école normale");
  EXPECT_EQ(NormalizeQuestion("ΣΟΦΊΑ"), NormalizeQuestion("σοφία"));
  EXPECT_EQ(NormalizeQuestion("ＡＢＣ　１８１７？"), "abc 1817");
  EXPECT_EQ(NormalizeQuestion("a\xFF\xE4\xB8"
                              "b"),
            "a b");  // ill-formed bytes separate words
}

TEST(NearDuplicateFilter, DropsDuplicatesAndNearDuplicates) {
  NearDuplicateFilter f;
  EXPECT_TRUE(f.Admit("In what year did Karl Drais show his running machine in Mannheim?"));
  EXPECT_FALSE(f.Admit("in what year did karl drais show his running machine in mannheim"));
  EXPECT_FALSE(f.Admit("In which year did Karl Drais show his running machine in Mannheim?"));
  EXPECT_TRUE(f.Admit("Who was the captain of the Pequod?"));
  EXPECT_TRUE(f.Admit("Who was the owner of the Pequod?"));
  EXPECT_TRUE(f.Admit("How many sailors did the Pequod carry?"));
  EXPECT_TRUE(f.Admit("What colour was the lighthouse at Harbor 12 painted?"));
  EXPECT_TRUE(f.Admit("What colour was the lighthouse at Harbor 17 painted?"));
  EXPECT_FALSE(f.Admit("What colour was the lighthouse at Harbor 17 painted then?"));
}

TEST(NearDuplicateFilter, SeesAccentedCapitalsAndFullWidthDigitsAsTheSameText) {
  NearDuplicateFilter f;
  EXPECT_TRUE(f.Admit("Où se trouve l'ÉCOLE NORMALE SUPÉRIEURE ?"));
  EXPECT_FALSE(f.Admit("où se trouve l'école normale supérieure ?"));
  EXPECT_TRUE(f.Admit("What colour was the lighthouse at Harbor 12 painted?"));
  EXPECT_FALSE(f.Admit("What colour was the lighthouse at Harbor １２ painted?"));
}

TEST(NearDuplicateFilter, ShinglesChineseByCharacter) {
  NearDuplicateFilter f;
  EXPECT_TRUE(f.Admit("卡尔·德莱斯于哪一年在曼海姆首次展示了木制两轮车？"));
  EXPECT_FALSE(f.Admit("卡尔·德莱斯在哪一年于曼海姆首次展示了木制两轮车？"));
  EXPECT_TRUE(f.Admit("捕鲸船裴廓德号上共有多少名水手？"));
}

TEST(NearDuplicateFilter, SimilarityIsOneForTheSameTextAndLowForUnrelated) {
  const auto a = NearDuplicateFilter::SignatureOf("Who wrote Moby-Dick?");
  EXPECT_EQ(NearDuplicateFilter::Similarity(a, a), 1.0);
  const auto b = NearDuplicateFilter::SignatureOf("How deep is the Mariana Trench?");
  EXPECT_LT(NearDuplicateFilter::Similarity(a, b), 0.2);
}

}  // namespace
}  // namespace longforge::workers
