#pragma once
// An Ingester over a temporary store, recording what it publishes; shared by the
// ingester tests.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "producers/ingest/ingester.h"
#include "support/temp_store.h"

namespace longforge::producers {

inline void Write(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

class IngesterTest : public ::testing::Test {
 protected:
  Ingester Make(IngestOptions options = {}) {
    return Ingester(options, *store_,
                    [this](const envelope::DocumentEvent& e) { events_.push_back(e); });
  }

  static std::string Problems(const Ingester& ing) {
    std::string out;
    for (const auto& p : ing.problems()) out += p.where + ": " + p.reason + "\n";
    return out;
  }

  std::string Stored(const envelope::DocumentEvent& e) const {
    auto text = store_->Get(store::DocumentStore::TextKey(e.doc_id));
    return text.ok() ? *text : "(not stored: " + text.error().message + ")";
  }

  TempDir dir_;
  std::unique_ptr<store::DocumentStore> store_ = OpenTempStore(dir_);
  std::vector<envelope::DocumentEvent> events_;
};

}  // namespace longforge::producers
