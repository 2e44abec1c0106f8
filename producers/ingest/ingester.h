#pragma once
// ingest: files, directories, JSONL and stdin → the document store + lf.documents
// events. The text is written to the store before its event is published, so a
// worker that sees the event can always read the text.

#include <functional>
#include <istream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "longforge/envelope/messages.h"
#include "longforge/store/accept_document.h"
#include "longforge/store/document_store.h"
#include "longforge/store/document_text.h"

namespace longforge::producers {

struct IngestOptions {
  std::size_t max_document_bytes = store::kDefaultMaxDocumentBytes;  // --max-document-bytes
  bool stdin_jsonl = false;  // --stdin-format jsonl: stdin holds JSONL, not one text

  std::vector<std::string> Validate() const;
};

// The longest JSONL line read: room for a document at the limit whose text JSON escaping
// made up to four times longer.
constexpr std::size_t MaxJsonlLineBytes(std::size_t max_document_bytes) {
  return 4 * max_document_bytes;
}

// Where an input went wrong: the path (and line for JSONL) and why.
struct IngestProblem {
  std::string where;
  std::string reason;
};

// Not thread-safe.
class Ingester {
 public:
  using Publish = std::function<void(const envelope::DocumentEvent&)>;

  Ingester(IngestOptions options, store::DocumentStore& store, Publish publish);

  // A file (.jsonl: one document per line; anything else: one text document), a
  // directory (walked recursively in name order, hidden entries skipped) or "-"
  // for stdin. Problems are collected, never fatal for the other inputs. A JSONL line is
  // at most MaxJsonlLineBytes, stdin text at most max_document_bytes: read in pieces, so
  // memory stays bounded whatever the input.
  void IngestPath(const std::string& path);
  void IngestStream(std::istream& in, const std::string& where, bool jsonl);

  std::size_t documents() const { return documents_; }
  const std::vector<IngestProblem>& problems() const { return problems_; }
  // What was read but deserves a look (an unknown JSONL key, an empty directory); logged.
  const std::vector<IngestProblem>& warnings() const { return warnings_; }

 private:
  void IngestFile(const std::string& path);
  void IngestJsonlLine(const std::string& line, const std::string& where);
  void Submit(std::string_view raw, std::string title, std::string source, std::string given_id,
              std::vector<envelope::SuppliedQuestion> questions);
  void Problem(std::string where, std::string reason);
  void Warning(std::string where, std::string reason);

  IngestOptions options_;
  store::DocumentStore& store_;
  Publish publish_;
  std::size_t documents_ = 0;
  // Where each document with a submitter's own id came from, to name both sources when
  // an id is given again with a different text.
  std::map<std::string, std::string> given_sources_;
  std::vector<IngestProblem> problems_;
  std::vector<IngestProblem> warnings_;
};

}  // namespace longforge::producers
