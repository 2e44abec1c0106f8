#pragma once
// The topic graph (docs/ARCHITECTURE.md): names, and how many partitions the
// embedded broker creates for each.

#include <string>
#include <vector>

namespace longforge::kafka {

inline constexpr const char* kDocuments = "lf.documents";
inline constexpr const char* kChunked = "lf.chunked";
// The chunked document with its map (mapper → questioner).
inline constexpr const char* kMapped = "lf.mapped";
inline constexpr const char* kTasks = "lf.tasks";
inline constexpr const char* kRelevanceRequests = "lf.relevance.requests";
inline constexpr const char* kRelevanceResults = "lf.relevance.results";
// Keyed by doc id with as many partitions as lf.mapped: a questioner consumes both, and
// with the range assignor (the one longforge's consumer groups use) partition p of each
// goes to the same questioner, the one holding the document's fan-out.
inline constexpr const char* kRelevanceCredits = "lf.relevance.credits";
// Lv3 sub-questions, from the answer stage to the questioner's gate: keyed by doc id,
// with as many partitions as lf.mapped too (the questioner owns all three alike).
inline constexpr const char* kSubquestions = "lf.subquestions";
inline constexpr const char* kAnswers = "lf.answers";
inline constexpr const char* kDataset = "lf.dataset";
inline constexpr const char* kRejected = "lf.rejected";
inline constexpr const char* kDlq = "lf.dlq";

struct TopicSpec {
  std::string name;
  int partitions;
};

// Every lf.* topic with its default partition count. Fan-out topics get more
// partitions so that relevance workers can scale out.
const std::vector<TopicSpec>& AllTopics();

}  // namespace longforge::kafka
