#pragma once
// The samples of a dataset directory written by the sink, indexed for `longforge review`:
// every DIR/dataset*.jsonl (accepted; length buckets included) and DIR/rejected.jsonl
// (rejected and review). The index keeps, per sample, where its line is (file, offset,
// length), its id, its facets and the first kIndexedTextBytes of its question and
// answer (for lists and search); contexts and the rest of the meta stay on disk and are
// read a line at a time (ReadLine). Memory is about 250 bytes plus the kept text per
// sample, whatever the size of the lines.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/store/document_store.h"
#include "review/decision_log.h"
#include "review/unique_fd.h"

namespace longforge::review {

inline constexpr std::size_t kIndexedTextBytes = 4096;

// What a list can be filtered and counted by. kHuman is the latest human decision
// ("undecided", "accept", "reject", "edit"), from the decision log at query time.
enum class Facet { kDecision, kReason, kType, kScope, kDifficulty, kLanguage, kDoc, kHuman };
inline constexpr std::array kFacets = {Facet::kDecision, Facet::kReason,     Facet::kType,
                                       Facet::kScope,    Facet::kDifficulty, Facet::kLanguage,
                                       Facet::kDoc,      Facet::kHuman};
// "decision", "reason", "type", "scope", "difficulty", "language", "doc", "human".
const char* FacetName(Facet facet);
std::optional<Facet> ParseFacet(std::string_view name);

struct IndexedSample {
  uint32_t file = 0;      // SampleIndex::files() index
  uint32_t line = 0;      // 1-based line number in that file
  uint64_t offset = 0;    // of the line's first byte
  uint64_t length = 0;    // of the line, without its newline
  std::string sample_id;  // meta.record_id for one of a sample's windows, else meta.sample_id
  std::string question, answer;  // the first kIndexedTextBytes of each (whole code points)
  uint32_t level = 0;
  // Interned values (SampleIndex::Value) of the single-valued facets kDecision..kDoc.
  std::array<uint32_t, 6> values{};
  std::vector<uint32_t> reasons;  // interned kReason values
};

struct IndexedFile {
  std::string path;
  bool accepted = false;  // a dataset*.jsonl file (else rejected.jsonl)
  std::size_t samples = 0;
};

struct SampleQuery {
  std::map<Facet, std::string> equals;  // facet -> the value it must have
  std::string text;                     // in the question or answer (ASCII case folded)
};

struct QueryResult {
  std::vector<uint32_t> rows;  // indices of matching samples, in index order
  // Facet -> value -> samples that match every other filter and have this value: the
  // counts a filter menu shows next to each choice.
  std::map<Facet, std::map<std::string, std::size_t>> counts;
};

// Immutable once built; every method is safe from many threads.
class SampleIndex {
 public:
  // Indexes DIR's files. `store` (may be null) gives documents' sizes, which tell a
  // full-context prompt from an evidence one. A last line without newline (a sink still
  // writing) is skipped with a warning, a second line of one sample id too; any other
  // line that is not a sink record is an error (kStop) naming file and line.
  static Result<std::unique_ptr<SampleIndex>> Build(const std::string& dir,
                                                    const store::DocumentStore* store,
                                                    std::vector<std::string>& warnings);

  std::size_t size() const { return samples_.size(); }
  const IndexedSample& at(std::size_t i) const { return samples_[i]; }
  std::optional<std::size_t> Find(const std::string& sample_id) const;
  const std::vector<IndexedFile>& files() const { return files_; }
  // The text of an interned facet value.
  const std::string& Value(Facet facet, uint32_t id) const;
  // A sample's facet value (kHuman excluded) and its reasons.
  const std::string& Value(const IndexedSample& s, Facet facet) const;

  // The line of a sample, read from its file. Error (kRetry) names file and errno.
  Result<std::string> ReadLine(const IndexedSample& sample) const;

  // Samples matching `query`; `human` gives a sample id's latest decision.
  QueryResult Run(
      const SampleQuery& query,
      const std::function<std::optional<HumanDecision>(const std::string&)>& human) const;

 private:
  SampleIndex() = default;
  Status IndexFile(const std::string& path, bool accepted, const store::DocumentStore* store,
                   std::vector<std::string>& warnings);
  uint32_t Intern(Facet facet, std::string_view value);

  std::vector<IndexedSample> samples_;
  std::vector<IndexedFile> files_;
  std::vector<UniqueFd> fds_;  // one per file, read with pread
  std::unordered_map<std::string, uint32_t> by_id_;
  // Per facet kDecision..kLanguage, kDoc and kReason: interned values and their ids.
  std::array<std::vector<std::string>, kFacets.size()> values_;
  std::array<std::unordered_map<std::string, uint32_t>, kFacets.size()> ids_;
  std::unordered_map<std::string, uint64_t> document_bytes_;  // doc id -> size, 0: unknown
};

}  // namespace longforge::review
