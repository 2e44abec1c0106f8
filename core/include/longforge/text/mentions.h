#pragma once
// Where a name is mentioned in a text, by one rule that the questions written about the
// whole document, the extractive relevance judge and the extractive answer share, so that
// a reference counted from the text and an answer counted from the notes count the same
// thing.

#include <cstddef>
#include <optional>
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

// Code points in `s`, and runs of non-blank bytes (words of a Latin-script text).
std::size_t CountCodePoints(std::string_view s);
std::size_t CountWords(std::string_view s);

// A quoted phrase longer than a name tells an event: a sentence holding at least this
// share of its content terms tells it.
inline constexpr double kMinEventShare = 0.6;

// A quoted phrase that names something rather than tells an event: at most three words,
// or at most six characters when it is Chinese.
bool IsNamePhrase(std::string_view phrase);

// A figure stated for a label: "Revenue was 1,250", "Revenue: 1,250", "Revenue of $1,250",
// "营业收入为1250", "营业收入：1250" — the label (as FindMentions finds it), then within a
// few bytes one of ":", "：", " was", " were", " is", " of", " totalled", " reached",
// " stood at", "为", "是", "达", an optional currency sign, and a whole number (thousands
// commas allowed; a number with a decimal point or a unit of scale after it is no whole
// figure and is not taken).
struct StatedFigure {
  std::string label;
  long long value = 0;
  std::size_t at = 0;  // byte offset of the label
};

// The first figure stated for `label` in `text`, if any.
std::optional<StatedFigure> FigureFor(std::string_view text, std::string_view label);

// Every figure stated in `text` for a label of one to three words, the first capitalised
// ("Revenue", "Net income"), or two to four Chinese characters (the shortest run before
// the join that is still a label); in text order.
std::vector<StatedFigure> StatedFigures(std::string_view text);

}  // namespace longforge::text
