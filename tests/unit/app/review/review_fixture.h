#pragma once
// A dataset directory as the sink writes it, with its document store, for the review
// tests: `accepted` samples in dataset.jsonl (full context, in `format`), then a
// rejected and a review sample in rejected.jsonl, all about one stored document.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "longforge/store/document_store.h"
#include "support/temp_dir.h"
#include "workers/sink/sink_stage.h"

namespace longforge::review {

inline constexpr char kDocId[] = "harbor-doc";

// Paragraphs with one fact each; the evidence of sample i is paragraph i.
inline std::vector<std::string> Paragraphs() {
  return {"The lighthouse keeper of Northgate was Oskar Brandt, who kept the lamp for forty years.",
          "The harbour opened in 1931 with three deep-water berths and a customs house.",
          "The ferry to Kell Island leaves every morning at seven from the north pier.",
          "The old grain mill burned down in 1902 and was never rebuilt.",
          "Fishing boats land their catch at the east quay before dawn."};
}

inline std::string DocumentText() {
  std::string text = "CHAPTER I\n\n";
  for (const auto& p : Paragraphs()) text += p + "\n\n";
  return text;
}

inline envelope::SampleRecord FixtureSample(int i, envelope::Decision decision) {
  const std::string text = DocumentText();
  const std::string paragraph = Paragraphs()[static_cast<std::size_t>(i) % Paragraphs().size()];
  const uint64_t begin = text.find(paragraph);
  envelope::SampleRecord s;
  s.sample_id = "s" + std::to_string(i);
  auto& r = s.record;
  r.task.task_id = "t" + std::to_string(i);
  r.task.doc_id = kDocId;
  r.task.question =
      "Question " + std::to_string(i) + ": what does paragraph " + std::to_string(i) + " say?";
  r.task.type = i % 2 == 0 ? "fact" : "number";
  r.task.language = "en";
  r.task.origin = envelope::Origin::kGenerated;
  r.task.reference = "Reference " + std::to_string(i);
  r.answer = "Answer " + std::to_string(i) + ": " + paragraph;
  r.evidence = {{begin, begin + paragraph.size(), "CHAPTER I"}};
  r.quotes = {paragraph.substr(0, 30)};
  r.usage = {3, 1000 + static_cast<uint64_t>(i), 50, 0};
  r.backend = "test";
  s.verdict.decision = decision;
  if (decision == envelope::Decision::kReject) s.verdict.reasons = {"no_evidence"};
  if (decision == envelope::Decision::kReview) s.verdict.reasons = {"judge_disagrees"};
  return s;
}

struct ReviewFixture {
  TempDir tmp;
  std::string dir = tmp / "out";
  std::string store_dir = tmp / "store";
  std::unique_ptr<store::DocumentStore> store;

  explicit ReviewFixture(int accepted = 3,
                         workers::SampleFormat format = workers::SampleFormat::kMessages) {
    std::filesystem::create_directories(dir);
    store = std::move(store::DocumentStore::Open(store_dir).value());
    (void)store->Put(store::DocumentStore::TextKey(kDocId), DocumentText());
    std::ofstream data(dir + "/dataset.jsonl");
    for (int i = 0; i < accepted; ++i) {
      data << workers::RenderAccepted(FixtureSample(i, envelope::Decision::kAccept), format,
                                      DocumentText())
           << "\n";
    }
    std::ofstream rejected(dir + "/rejected.jsonl");
    rejected << workers::RenderRejected(FixtureSample(accepted, envelope::Decision::kReject))
             << "\n"
             << workers::RenderRejected(FixtureSample(accepted + 1, envelope::Decision::kReview))
             << "\n";
  }
};

}  // namespace longforge::review
