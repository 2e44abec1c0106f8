#pragma once
// What a dataset directory written by the sink holds, for people deciding whether to
// train on it (`longforge stats DIR`).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/envelope/decisions.h"
#include "longforge/envelope/reading.h"

namespace longforge::workers {

struct DatasetStats {
  std::size_t accepted = 0, rejected = 0, review = 0;
  std::map<std::string, std::size_t> by_type;         // question type of accepted samples
  std::map<envelope::Origin, std::size_t> by_origin;  // of accepted samples
  std::map<std::string, std::size_t> by_reason;       // reasons of rejected and review samples
  std::map<std::string, std::size_t> by_backend;      // backend label of accepted samples
  std::map<int, std::size_t> context_log2;            // accepted: prompt bytes, by floor(log2)
  std::map<int, std::size_t> answer_log2;             // accepted: answer bytes, by floor(log2)
  // Accepted samples by question type, then difficulty (easy, medium, hard).
  std::map<std::string, std::map<std::string, std::size_t>> by_type_difficulty;
  // The closed-book check by question type: samples it asked about (a closed-book
  // answer is recorded) and those it rejected as answerable_without_document.
  struct ClosedBook {
    std::size_t checked = 0, answerable = 0;
  };
  std::map<std::string, ClosedBook> closed_book;
  // Cost by the level that made each sample (all samples; a cascaded sample's cost
  // includes its lower levels): samples, accepted, prompt tokens.
  struct LevelCost {
    std::size_t samples = 0, accepted = 0;
    uint64_t prompt_tokens = 0;
  };
  std::map<int, LevelCost> by_level;
  // Where the evidence lies in the context of accepted records, by tenth (0: the first
  // tenth, 9: the last): a window's evidence depth, or each evidence span's position in
  // the whole document (meta.evidence_position). A dataset that never asks about the
  // middle trains "lost in the middle".
  std::map<int, std::size_t> evidence_depth;
  std::map<std::string, std::size_t> by_bucket;  // accepted records by --length-buckets file
  std::map<std::string, std::size_t> skipped;    // --context window: skipped.jsonl by reason
  uint64_t llm_calls = 0, prompt_tokens = 0, completion_tokens = 0;  // all samples
  envelope::ReadingTally reading;                                    // all samples
};

// The accepted-sample files of a sink directory: dataset.jsonl and the length buckets'
// dataset-<bucket>.jsonl, those that exist, in name order.
std::vector<std::string> DatasetFiles(const std::string& dir);

// Reads DIR's dataset files (any of the sink's formats), DIR/rejected.jsonl and
// DIR/skipped.jsonl. Error names the file and line that is not a sink record (an origin
// or decision the sink never writes included).
Result<DatasetStats> ReadDatasetStats(const std::string& dir);

// Sorts every one of DatasetFiles(dir) as SortDatasetFileByLength does.
Status SortDatasetByLength(const std::string& dir);

// Rewrites DIR/dataset.jsonl sorted by prompt length in bytes, shortest first (a
// curriculum; stable for equal lengths), atomically: the lines go to
// DIR/dataset.jsonl.sorting, which is fsync'ed and renamed over it. Memory: 24 bytes per
// line plus the longest line, not the file. Error (kStop) names the file and the line or
// errno, and leaves dataset.jsonl as it was. `name` is the file's name in DIR.
Status SortDatasetFileByLength(const std::string& dir, const std::string& name);

// A plain-text report of `stats`.
std::string FormatDatasetStats(const DatasetStats& stats);

}  // namespace longforge::workers
