#include "longforge/kafka/topics.h"

namespace longforge::kafka {

const std::vector<TopicSpec>& AllTopics() {
  static const std::vector<TopicSpec> kTopics = {
      {kDocuments, 4},
      {kChunked, 4},
      {kMapped, 4},
      {kTasks, 2},
      {kRelevanceRequests, 8},
      {kRelevanceResults, 8},
      {kAnswers, 4},
      {kDataset, 4},
      {kRejected, 2},
      {kDlq, 2},
      {kRelevanceCredits, 4},
      {kSubquestions, 4},  // as many as kMapped: see topics.h
  };
  return kTopics;
}

}  // namespace longforge::kafka
