#pragma once
// Context windows at a trainer's target length (`--context window`): a contiguous cut
// of exactly N tokens of the document that holds all of a sample's evidence, with the
// evidence placed at a requested relative depth.
//
// Depth is where the evidence sits among the window's free tokens: with E evidence
// tokens and B tokens before the evidence, depth = B / (N - E). 0 opens the window with
// the evidence, 1 closes it with the evidence, 0.5 centres it.
//
// A window starts at the start of a line of the document (or inside the evidence's own
// line, when that line is long and the evidence must come early) and ends where its N-th
// token ends (inside a line, usually). Its token count is checked by counting the cut text
// itself, so "N tokens" holds for the tokenizer given, whatever it is.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "longforge/text/token_counter.h"

namespace longforge::workers {

// A document's lines with their token counts, to cut windows without counting the whole
// document again for each. Lines start after a '\n' followed by something other than a
// line break: byte-level BPE pre-tokenisers (GPT-2, cl100k, o200k, Llama 3, Qwen) always
// split there, so the tokens of consecutive lines add up exactly. For the estimator
// they add up approximately; the window's own count is what decides.
class DocumentTokens {
 public:
  // Counts every line of `text` once (the whole document, once).
  DocumentTokens(std::string text, const text::TokenCounter& counter);

  const std::string& text() const { return text_; }
  const text::TokenCounter& counter() const { return counter_; }
  // Sum of the lines' tokens: the document's tokens, exactly for a BPE tokenizer.
  std::size_t tokens() const { return prefix_.back(); }
  std::size_t lines() const { return starts_.size(); }
  // Byte where line `i` starts; lines() gives the end of the text.
  std::size_t LineStart(std::size_t i) const;
  // Tokens of the lines [a, b).
  std::size_t LineTokens(std::size_t a, std::size_t b) const { return prefix_[b] - prefix_[a]; }
  // The line holding byte `at` (the last line for the end of the text).
  std::size_t LineOf(std::size_t at) const;

 private:
  std::string text_;
  const text::TokenCounter& counter_;
  std::vector<std::size_t> starts_;  // byte offset of each line
  std::vector<std::size_t> prefix_;  // tokens of the lines before each; size lines()+1
};

struct WindowRequest {
  std::size_t tokens = 0;            // N
  double depth = 0;                  // requested, in [0, 1]
  std::size_t tolerance_tokens = 0;  // how far (in tokens) the evidence may sit from it
};

struct Window {
  std::size_t begin = 0, end = 0;  // bytes of the document
  std::size_t tokens = 0;          // counted on the cut text: the requested N
  std::size_t evidence_tokens = 0;
  std::size_t tokens_before = 0;  // before the evidence, inside the window
  double depth = 0;               // requested
  double evidence_depth = 0;      // where the evidence is: tokens_before / (N - evidence)
};

// Why no window was cut: a reason for machines, a sentence for people.
struct WindowSkip {
  std::string reason;  // evidence_wider_than_window, document_shorter_than_window,
                       // depth_unreachable, no_evidence, window_not_exact
  std::string detail;
};

// A byte range of a document.
struct Span {
  std::size_t begin = 0, end = 0;
};

// What a window must hold of a sample: the passages its answer rests on. Those are the
// evidence spans holding one of the sample's quotes (what the relevance judge quoted as
// helping; retrieval adds passages that merely share words, often far apart); a quote
// found in no span counts by itself, where the document has it. Without any quote
// found, every evidence span. The range from the first to the last; nullopt when there
// is nothing.
std::optional<Span> KeyEvidence(std::string_view text, const std::vector<Span>& spans,
                                const std::vector<std::string>& quotes);

// The window of `request.tokens` tokens holding the bytes [evidence_begin, evidence_end)
// of the document at `request.depth`, or why there is none. Costs a few counts of the
// window's text (more when lines do not add up, as with the estimator).
std::variant<Window, WindowSkip> CutWindow(const DocumentTokens& doc, std::size_t evidence_begin,
                                           std::size_t evidence_end, const WindowRequest& request);

// "32k" for 32768, "1m" for 1048576, else the number ("32000"): the file and label of a
// length bucket, as ParseTokenSizes reads it back.
std::string TokensLabel(std::size_t tokens);

// "32k,128k,512k" (k = 1024, m = 1048576; plain numbers too) → sizes, ascending; an
// error message naming the bad item otherwise.
std::variant<std::vector<std::size_t>, std::string> ParseTokenSizes(std::string_view list);

// "0,0.25,0.5" → depths in [0, 1]; an error message naming the bad item otherwise.
std::variant<std::vector<double>, std::string> ParseDepths(std::string_view list);

}  // namespace longforge::workers
