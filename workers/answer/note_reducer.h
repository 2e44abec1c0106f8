#pragma once
// Global reading (a task of scope global): every sentence the relevance pass quoted from
// any chunk is a *note*; the answer is written from all of them, in document order with
// their positions and chapters. Notes that do not fit the answer call's budget are
// condensed group by group by a NoteReducer (stage `reduce`), and again, until they fit.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/envelope/messages.h"
#include "longforge/llm/chat.h"
#include "longforge/text/token_counter.h"

namespace longforge::workers {

struct Note {
  uint32_t chunk = 0;   // the reading chunk it comes from: its position in the document
  std::string chapter;  // that chunk's chapter ("BOOK ONE / CHAPTER III"); may be empty
  std::string text;     // a verbatim quote, or a condensed note after a reduce round
};

// "[part 13 of 300 | BOOK ONE / CHAPTER III] text" (no chapter: "[part 13 of 300] text"):
// how notes reach the reduce and answer calls.
std::string RenderNote(const Note& note, uint32_t chunk_count);

// The text of a rendered note without its leading position, or `rendered` when it has
// none.
std::string_view NoteText(std::string_view rendered);

// A note as RenderNote wrote it (position and text); nullopt when it has no readable
// position.
std::optional<Note> ParseRenderedNote(std::string_view rendered);

// The tokens of the notes as rendered, one per line.
std::size_t NoteTokens(const std::vector<Note>& notes, uint32_t chunk_count,
                       const text::TokenCounter& counter);

// Splits `notes` (in document order) into consecutive groups whose rendered tokens each
// stay within `budget`; a single note over the budget is a group of its own.
std::vector<std::vector<Note>> GroupNotes(std::vector<Note> notes, uint32_t chunk_count,
                                          const text::TokenCounter& counter, std::size_t budget);

// Reads a reduce reply: one note per line, each starting with the position it comes from
// in brackets as RenderNote writes it ("[part 13 of 300 | …]"); list markers are
// dropped. A line without a readable position takes the position of the line before it
// (the first such line: `fallback`). "NONE" alone means no note bears on the question.
std::vector<Note> ParseNotes(std::string_view reply, const Note& fallback);

class NoteReducer {
 public:
  using Callback =
      std::function<void(Result<std::vector<Note>> condensed, envelope::LlmUsage usage)>;
  virtual ~NoteReducer() = default;
  virtual std::string Name() const = 0;
  // Condenses `notes` (consecutive, in document order) for `task`'s question into about
  // `target_tokens` tokens, keeping positions. Calls `done` exactly once, maybe from
  // another thread. Thread-safe.
  virtual void Reduce(const envelope::Task& task, std::vector<Note> notes, uint32_t chunk_count,
                      std::size_t target_tokens, Callback done) = 0;
};

// The extractive baseline ("extractive (no LLM)"): keeps the notes sharing the most
// content terms with the question, in document order, within the target (at least the
// best one, cut to the target when it alone is over). `counter` must outlive it.
std::unique_ptr<NoteReducer> MakeExtractiveNoteReducer(const text::TokenCounter& counter);

struct LlmNoteReducerOptions {
  std::string model;      // empty: the client's default model
  int max_tokens = 2048;  // reply budget, tokens; a reply cut there is an error
};

// One call (llm::CallKind::kReduce) per group: the rules (keep what bears on the
// question, never add, keep names and numbers, start each note with its position), the
// question, the notes as a data block, and the target length. A reply cut at
// max_tokens is dead-lettered (notes would be lost without a trace); the client's
// errors pass through. `client` must outlive it.
std::unique_ptr<NoteReducer> MakeLlmNoteReducer(llm::ChatClient& client,
                                                LlmNoteReducerOptions options = {});

}  // namespace longforge::workers
