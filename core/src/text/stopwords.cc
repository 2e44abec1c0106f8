// Stop-words for BM25: function words that occur in nearly every chunk and so carry no
// signal for retrieval, but would still add to the score through the IDF floor.
// Lists written for longforge; all entries are case-folded UTF-8.

#include <iterator>
#include <string_view>
#include <unordered_set>

#include "longforge/text/analyzer.h"

namespace longforge::text {
namespace {

// clang-format off
constexpr std::string_view kEnglish[] = {
    // articles, determiners, quantifiers
    "a", "an", "the", "this", "that", "these", "those", "some", "any", "each", "every", "no",
    "all", "both", "either", "neither", "such", "other", "another", "same", "own", "more",
    "most", "much", "many", "few", "several",
    // pronouns
    "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "you", "your",
    "yours", "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers",
    "herself", "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "one",
    "who", "whom", "whose", "which", "what", "whatever", "whoever",
    // auxiliaries and copulas
    "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having",
    "do", "does", "did", "doing", "done", "will", "would", "shall", "should", "can", "could",
    "may", "might", "must", "ought",
    // contractions as ICU keeps them (one word)
    "i'm", "i've", "i'll", "i'd", "you're", "you've", "you'll", "you'd", "he's", "he'd",
    "she's", "she'd", "it's", "we're", "we've", "they're", "they've", "that's", "there's",
    "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "can't",
    "couldn't", "wouldn't", "shouldn't", "hasn't", "haven't", "hadn't",
    // prepositions
    "of", "in", "on", "at", "by", "for", "with", "without", "about", "against", "between",
    "into", "onto", "through", "during", "before", "after", "above", "below", "to", "from",
    "up", "down", "out", "off", "over", "under", "upon", "within", "across", "along", "among",
    "around", "behind", "beside", "beyond", "toward", "towards", "via", "per",
    // conjunctions and subordinators
    "and", "or", "but", "nor", "so", "yet", "if", "then", "else", "than", "because", "as",
    "while", "until", "unless", "although", "though", "whether", "since", "once",
    // adverbs and particles with little content
    "not", "only", "very", "too", "also", "just", "again", "further", "here", "there", "when",
    "where", "why", "how", "now", "ever", "even", "still", "already", "quite", "rather", "thus",
    "hence", "however", "therefore", "indeed", "perhaps",
};
// clang-format on

// clang-format off
constexpr std::string_view kChinese[] = {
    // structural and aspect particles
    "的", "地", "得", "了", "着", "过", "之", "所",
    // sentence-final and modal particles, classical ones included for older novels
    "吗", "呢", "吧", "啊", "呀", "哦", "嘛", "罢", "么", "乎", "者", "也", "矣", "焉", "哉", "耳", "兮",
    // pronouns
    "我", "你", "您", "他", "她", "它", "我们", "你们", "他们", "她们", "它们", "咱们", "自己", "这", "那", "这个",
    "那个", "这些", "那些", "这里", "那里", "这样", "那样", "其", "此", "彼", "吾", "汝", "尔", "某",
    // prepositions and conjunctions
    "和", "与", "及", "以及", "或", "或者", "而", "并", "且", "而且", "但", "但是", "却", "因", "因为", "所以", "如果",
    "虽然", "然而", "于是", "在", "于", "从", "自", "向", "对", "对于", "把", "被", "将", "给", "为", "为了", "以",
    "由", "跟", "同", "比", "则", "若", "即", "乃",
    // adverbs and copulas with little content
    "是", "就", "都", "还", "又", "再", "才", "很", "太", "更", "最", "已", "已经", "便", "亦", "皆", "只", "不",
    "没", "没有", "非", "无",
    // measure word and numeral that attach to nearly everything
    "个", "一",
};
// clang-format on

const std::unordered_set<std::string_view>& StopWords() {
  static const std::unordered_set<std::string_view> words = [] {
    std::unordered_set<std::string_view> set(std::begin(kEnglish), std::end(kEnglish));
    set.insert(std::begin(kChinese), std::end(kChinese));
    return set;
  }();
  return words;
}

}  // namespace

bool IsStopWord(std::string_view folded_word) { return StopWords().contains(folded_word); }

}  // namespace longforge::text
