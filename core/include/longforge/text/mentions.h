#pragma once
// Where a name is mentioned in a text, by one rule that the questions written about the
// whole document, the extractive relevance judge and the extractive answer share, so that
// a reference counted from the text and an answer counted from the notes count the same
// thing.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace longforge::text {

// Byte offsets in `text` of every mention of `name`: as written, or with its ASCII
// letters in capitals ("Stubb", "STUBB"; not "stubb", so "Fate" is not "fate"); a name
// that starts (ends) with an ASCII letter or digit must not be preceded (followed) by
// one, so "Ahab" is found in "Ahab's" but not in "Ahabs"; a name in another script
// (Chinese) is any occurrence of its bytes. An empty name is mentioned nowhere.
std::vector<std::size_t> FindMentions(std::string_view text, std::string_view name);

// True when FindMentions would find at least one.
bool Mentions(std::string_view text, std::string_view name);

// The phrases a question puts in quotation marks ("…", “…”, 「…」, 『…』), in order,
// trimmed; empty ones are left out. A question about a name or an event quotes it.
std::vector<std::string> QuotedPhrases(std::string_view question);

// A quoted phrase longer than a name tells an event: a sentence holding at least this
// share of its content terms tells it.
inline constexpr double kMinEventShare = 0.6;

// A quoted phrase that names something rather than tells an event: at most three words,
// or at most six characters when it is Chinese.
bool IsNamePhrase(std::string_view phrase);

}  // namespace longforge::text
