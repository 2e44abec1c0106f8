#pragma once
// The filter's per-answer rules that need no evidence: refusals and language.
// Pure functions; thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "longforge/text/language.h"

namespace longforge::workers {

// True when `answer` declines to answer ("I don't know", "the document does not say",
// "无法回答", "文中没有提到" …): a built-in English and Chinese phrase list, matched
// as substrings of the case-folded, whitespace-folded answer (curly apostrophes read as
// straight ones).
bool IsRefusal(std::string_view answer);

using text::DetectLanguage;  // core/text/language.h

// True only when both texts have at least `min_letters` letters, both languages are
// detected reliably, and they differ. Short or ambiguous texts never mismatch.
bool LanguagesDiffer(std::string_view question, std::string_view answer, std::size_t min_letters);

// The same check against the language the questioner recorded for the task (detected
// from its question and reference): true only when `task_language` is known, the answer
// has at least `min_letters` letters, its language is detected reliably, and it differs.
bool AnswerLanguageDiffers(std::string_view task_language, std::string_view answer,
                           std::size_t min_letters);

}  // namespace longforge::workers
