// Fuzz target: JSONL ingest (producers/ingest), the input a stranger controls most
// directly. The input is a JSONL stream; every line goes through Ingester into a store
// in a private temporary directory (removed at exit).
//
// Properties: every non-blank line ends as exactly one document or one problem, never
// an exception; a problem says where and why; a published document's stored text is
// valid UTF-8 of the size the event gives, its id is safe as a file name, and its
// event survives an envelope round trip.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "longforge/common/utf8.h"
#include "longforge/envelope/messages.h"
#include "longforge/store/document_store.h"
#include "producers/ingest/ingester.h"

namespace {

namespace fs = std::filesystem;
using namespace longforge;

fs::path& StoreDir() {
  static fs::path dir;
  return dir;
}

void RemoveStoreDir() {
  std::error_code ec;
  if (!StoreDir().empty()) fs::remove_all(StoreDir(), ec);
}

store::DocumentStore& Store() {
  static std::unique_ptr<store::DocumentStore> store = [] {
    std::string pattern = (fs::temp_directory_path() / "lf-ingest-fuzz-XXXXXX").string();
    FUZZ_CHECK(::mkdtemp(pattern.data()) != nullptr, "a temporary directory");
    StoreDir() = pattern;
    std::atexit(RemoveStoreDir);
    auto opened = store::DocumentStore::Open(pattern + "/store");
    FUZZ_CHECK(opened.ok(), "the store opens");
    return std::move(opened.value());
  }();
  return *store;
}

std::size_t NonBlankLines(std::string_view input) {
  std::size_t n = 0;
  std::istringstream in{std::string(input)};
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) ++n;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  store::DocumentStore& store = Store();
  std::vector<envelope::DocumentEvent> events;
  producers::IngestOptions options;
  options.max_document_bytes = 64 * 1024;
  producers::Ingester ingester(
      options, store, [&events](const envelope::DocumentEvent& e) { events.push_back(e); });
  std::istringstream in(input);
  ingester.IngestStream(in, "fuzz.jsonl", /*jsonl=*/true);

  FUZZ_CHECK(ingester.documents() == events.size(), "documents() counts the events");
  FUZZ_CHECK(events.size() + ingester.problems().size() == NonBlankLines(input),
             "each non-blank line is one document or one problem");
  for (const auto& problem : ingester.problems()) {
    FUZZ_CHECK(!problem.where.empty() && !problem.reason.empty(), "a problem says where and why");
  }
  for (const auto& event : events) {
    FUZZ_CHECK(!event.doc_id.empty(), "a document has an id");
    FUZZ_CHECK(event.doc_id.find('/') == std::string::npos && event.doc_id[0] != '.',
               "a document id is a plain file name");
    auto text = store.Get(store::DocumentStore::TextKey(event.doc_id));
    FUZZ_CHECK(text.ok(), "the text is in the store");
    FUZZ_CHECK(!FindInvalidUtf8(text.value()), "the stored text is valid UTF-8");
    FUZZ_CHECK(text->size() == event.bytes, "the event gives the stored size");
    const std::string encoded = envelope::Encode(event);
    auto decoded = envelope::DecodeDocumentEvent(encoded);
    FUZZ_CHECK(decoded.ok(), "the event decodes");
    FUZZ_CHECK(envelope::Encode(decoded.value()) == encoded, "the event round-trips");
  }
  return 0;
}
