#pragma once
// Rule checks of an answer against a reference computed exactly from the text (the
// questions about the whole document that carry a `verifier`): no overlap measure and no
// judge, so a verdict can serve as a checkable reward. Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace longforge::workers {

// The option letters (A–H) an answer names, each once, in the order it first names them:
// a letter counts when no other ASCII letter touches it ("C, A, B", "(C) then (A)",
// "C→A→B", "C、A、B").
std::vector<char> OrderLetters(std::string_view answer);

// The first whole number an answer states: digits ("12", "1,204"), English number words
// up to ninety-nine ("twelve", "forty-two"), or Chinese numerals up to 9,999 ("十二",
// "两", "一百零五"). nullopt when it states none.
std::optional<long long> FirstNumber(std::string_view answer);

// True when `answer` names `chapter` (a path as text::ChapterAt writes it, "BOOK ONE:
// 1805 / CHAPTER I"): it contains the whole path, or each part's label
// (text::HeadingLabel: "BOOK ONE", "CHAPTER I"), compared without case.
bool NamesChapter(std::string_view answer, std::string_view chapter);

struct Verification {
  bool passes = false;
  std::string why;  // when it does not: what the answer gave, for the record's reasons
};

// `verifier` is "order" (the reference's letters, "C, A, B", in that order and no
// other), "number" (FirstNumber equals the reference's) or "exact" (NamesChapter).
// nullopt for a verifier this build does not know.
std::optional<Verification> Verify(std::string_view verifier, std::string_view answer,
                                   std::string_view reference);

// The verifiers Verify knows.
bool IsKnownVerifier(std::string_view verifier);

}  // namespace longforge::workers
