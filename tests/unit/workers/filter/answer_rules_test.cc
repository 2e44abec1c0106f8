#include "workers/filter/answer_rules.h"

#include <gtest/gtest.h>

namespace longforge::workers {
namespace {

TEST(FilterAnswerRules, IsRefusalMatchesPhrasesNotContent) {
  EXPECT_TRUE(IsRefusal("I don't know."));
  EXPECT_TRUE(IsRefusal("NOT IN EVIDENCE"));
  EXPECT_TRUE(IsRefusal("无法回答"));
  EXPECT_TRUE(IsRefusal("不知道。"));
  EXPECT_FALSE(IsRefusal("In 1817."));
  EXPECT_FALSE(IsRefusal("Nobody knows who drew the first map."));
  EXPECT_FALSE(IsRefusal("他知道答案。"));
  EXPECT_TRUE(IsRefusal("ＮＯＴ ＩＮ ＥＶＩＤＥＮＣＥ！"));
  EXPECT_TRUE(IsRefusal("I DON\u2019T KNOW"));
}

TEST(FilterAnswerRules, AnswerLanguageIsCheckedAgainstTheTasksRecordedLanguage) {
  EXPECT_TRUE(AnswerLanguageDiffers(
      "zh", "The committee decided to rebuild the old bridge before the winter came.", 8));
  EXPECT_FALSE(AnswerLanguageDiffers(
      "en", "The committee decided to rebuild the old bridge before the winter came.", 8));
  EXPECT_FALSE(AnswerLanguageDiffers("zh", "Karl Drais", 8));  // too short to tell
  EXPECT_FALSE(AnswerLanguageDiffers(
      "", "The committee decided to rebuild the old bridge before the winter came.", 8));
}

TEST(FilterAnswerRules, LanguagesDifferOnlyForReliableLongEnoughTexts) {
  EXPECT_TRUE(LanguagesDiffer("What did the committee decide about the bridge?",
                              "委员会决定明年春天开始建造新的桥梁。", 8));
  EXPECT_FALSE(LanguagesDiffer("自行车是谁发明的？", "Karl Drais", 8));
  EXPECT_FALSE(LanguagesDiffer("Who invented the bicycle?", "Karl Drais invented the bicycle.", 8));
  EXPECT_EQ(DetectLanguage("委員會決定明年春天開始建造新的橋樑。"), "zh");
}

}  // namespace
}  // namespace longforge::workers

namespace longforge::text {
namespace {}  // namespace
}  // namespace longforge::text
