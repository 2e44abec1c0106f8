#include "workers/filter/answer_rules.h"

// compact_lang_det.h uses FILE without including <cstdio>.
#include <cstdio>

#include "longforge/text/normalize.h"
#include "longforge/text/text_match.h"

namespace longforge::workers {
namespace {

// Phrases that mark a refusal or a non-answer, folded (lower case, straight quotes).
constexpr std::string_view kRefusalPhrases[] = {
    // English
    "i don't know", "i do not know", "i'm not sure", "i am not sure", "i cannot answer",
    "i can't answer", "unable to answer", "cannot be answered", "can't be answered",
    "cannot be determined", "can't be determined", "cannot determine", "can't determine",
    "unable to determine", "impossible to determine", "does not say", "doesn't say",
    "does not mention", "doesn't mention", "not mentioned", "does not specify", "doesn't specify",
    "not specified", "not stated", "does not state", "doesn't state", "no information",
    "not enough information", "insufficient information", "not in evidence", "not in the evidence",
    "not provided in the", "there is no mention",
    // Chinese (simplified and traditional)
    "无法回答", "無法回答", "无法确定", "無法確定", "不能确定", "文中没有提到", "文中未提到",
    "没有提到", "沒有提到", "未提及", "没有提及", "没有相关信息", "没有足够的信息", "信息不足",
    "无从得知", "我不知道"};

// Whole answers that say nothing.
constexpr std::string_view kEmptyAnswers[] = {"unknown",   "n/a",    "none",
                                              "no answer", "不知道", "未知"};

// text::FoldForMatching (spacing, width, case), curly apostrophes straightened, trailing
// sentence punctuation dropped.
std::string FoldForPhrases(std::string_view answer) {
  std::string out = text::FoldForMatching(answer);
  for (std::string_view curly : {"\u2018", "\u2019"}) {
    for (std::size_t p = out.find(curly); p != std::string::npos; p = out.find(curly, p)) {
      out.replace(p, curly.size(), 1, '\'');
    }
  }
  while (!out.empty() && (out.back() == '.' || out.back() == '!')) out.pop_back();
  if (out.ends_with("。")) out.resize(out.size() - std::string_view("。").size());
  return out;
}

}  // namespace

bool IsRefusal(std::string_view answer) {
  const std::string folded = FoldForPhrases(answer);
  for (auto whole : kEmptyAnswers) {
    if (folded == whole) return true;
  }
  for (auto phrase : kRefusalPhrases) {
    if (folded.find(phrase) != std::string::npos) return true;
  }
  return false;
}

bool LanguagesDiffer(std::string_view question, std::string_view answer, std::size_t min_letters) {
  if (text::CountLetters(question) < min_letters || text::CountLetters(answer) < min_letters)
    return false;
  const auto q = DetectLanguage(question);
  const auto a = DetectLanguage(answer);
  return q && a && *q != *a;
}

bool AnswerLanguageDiffers(std::string_view task_language, std::string_view answer,
                           std::size_t min_letters) {
  if (task_language.empty() || text::CountLetters(answer) < min_letters) return false;
  const auto a = DetectLanguage(answer);
  return a && *a != task_language;
}

}  // namespace longforge::workers
