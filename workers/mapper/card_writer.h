#pragma once
// What the mapper asks of a backend: the card of one reading chunk (envelope::Card).

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "longforge/common/error.h"
#include "longforge/envelope/document_map.h"
#include "longforge/envelope/messages.h"
#include "longforge/llm/chat.h"

namespace longforge::workers {

class CardWriter {
 public:
  using Callback = std::function<void(Result<envelope::Card> card, envelope::LlmUsage usage)>;
  virtual ~CardWriter() = default;
  // Recorded in the map ("llm <model>", "extractive (no LLM)") and part of its store key.
  virtual std::string Name() const = 0;
  // The card of chunk `index`, whose text is `chunk`. Calls `done` exactly once, maybe
  // from another thread. Thread-safe.
  virtual void Write(uint32_t index, std::string chunk, Callback done) = 0;
};

// The extractive baseline, "extractive (no LLM)": the gist is the chunk's two most
// central sentences (those whose content terms recur most in the chunk), in their order;
// names are capitalised word runs seen in the middle of a sentence (English) or runs of
// two to four Han characters repeated in the chunk (Chinese) — not told apart as people,
// places or organisations, so they go to `names`; dates are years and day-month forms
// found by pattern. It writes no events.
std::unique_ptr<CardWriter> MakeExtractiveCardWriter();

// One call per chunk (llm::CallKind::kMap): the chunk as a data block, and the card's
// lines to write (GIST, PEOPLE, PLACES, ORGANISATIONS, DATES, EVENTS). A reply without a
// GIST line is an error (kDeadLetter: the same reply would come again); a reply cut at
// max_tokens too. `client` must outlive the writer.
std::unique_ptr<CardWriter> MakeLlmCardWriter(llm::ChatClient& client, std::string model);

// Reads a card reply: "GIST: …" (it may go on over the following lines until the next
// field), "PEOPLE: a; b", "PLACES: …", "ORGANISATIONS: …" (or ORGANIZATIONS), "DATES: …",
// "EVENTS:" followed by one event per line ("- …") or separated by ';'. Field names in
// any case; "none" and "-" items are dropped. An error when there is no gist.
Result<envelope::Card> ParseCardReply(std::string_view reply, uint32_t index);

}  // namespace longforge::workers
