#pragma once
// Questions about the whole document, written by rule from its map and its text, with
// references computed exactly from the text (no LLM), each with the verifier the filter
// checks the answer with:
//   timeline    put 4 events from distant chapters (3 in a document with fewer) in the
//               order the document tells them; reference "C, A, D, B"; verifier order.
//               Events are the cards' (an LLM map) or a central sentence of their gist
//               (the extractive map), one per chunk, from strata of the document.
//   count       how many chapters mention a name; reference the number of chapters whose
//               text text::Mentions it; verifier number. Only names found in 3 to 15
//               chapters, at most 40 times, never before the first heading.
//   first_last  in which chapter a name is mentioned first (or last); reference the
//               chapter as text::ChapterAt names it; verifier exact.
//   aggregate   the total of the figures stated for one label across the document
//               (text::StatedFigures: "Revenue was 1,250" in each section); reference
//               the sum; verifier number. Only labels stated in at least three
//               sections, once in each, and never mentioned without their figure; only
//               documents with such a label take this type in turn.
// Names come from the cards (people, places, organisations, and the extractive map's
// names). A chapter is the text from one heading of the outline to the next. Questions
// are in the document's language (Chinese when its text is, else English), and quote
// the names and events they ask about, which is how the extractive judge and answer find
// them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "longforge/envelope/chunk_table.h"
#include "longforge/envelope/document_map.h"
#include "workers/questioner/question_generator.h"

namespace longforge::workers {

inline constexpr std::string_view kTimeline = "timeline";
inline constexpr std::string_view kCount = "count";
inline constexpr std::string_view kFirstLast = "first_last";
inline constexpr std::string_view kAggregate = "aggregate";

// `count` outcomes (questions, or why a type had none to give), the types in turn from a
// seeded start; the same inputs and seed give the same questions. `text` is the whole
// document the table and map describe.
std::vector<GenerationOutcome> WriteGlobalQuestions(const envelope::ChunkTable& table,
                                                    const envelope::DocumentMap& map,
                                                    std::string_view text, uint32_t count,
                                                    uint64_t seed);

// Samples for a generator that WritesFromMaps: `count` of arc, compare and causal in
// turn from a seeded start, each with a brief of at most 16 cards in document order:
//   arc      the cards that name one of the names on the most cards (the subject),
//            spread over the document;
//   compare  the cards of two chapters at least a third of the document apart;
//   causal   an event from the later two thirds (the subject) and cards spread over the
//            document before it.
// A type that cannot be written gives its reason instead.
struct MapSample {
  std::optional<QuestionSample> sample;
  std::string skipped;
};
std::vector<MapSample> MapSamples(const envelope::ChunkTable& table,
                                  const envelope::DocumentMap& map, std::string_view text,
                                  const std::string& doc_id, uint32_t count, uint64_t seed);

}  // namespace longforge::workers
