#include "producers/ingest/ingester.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <ext/stdio_filebuf.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "longforge/common/time.h"
#include "producers/ingest/jsonl_document.h"

namespace longforge::producers {
namespace fs = std::filesystem;

std::vector<std::string> IngestOptions::Validate() const {
  std::vector<std::string> problems;
  if (max_document_bytes == 0) problems.emplace_back("--max-document-bytes must be positive");
  return problems;
}

Ingester::Ingester(IngestOptions options, store::DocumentStore& store, Publish publish)
    : options_(std::move(options)), store_(store), publish_(std::move(publish)) {}

void Ingester::Problem(std::string where, std::string reason) {
  spdlog::error("{}: {}", where, reason);
  problems_.push_back({std::move(where), std::move(reason)});
}

void Ingester::Warning(std::string where, std::string reason) {
  spdlog::warn("{}: {}", where, reason);
  warnings_.push_back({std::move(where), std::move(reason)});
}

void Ingester::IngestPath(const std::string& path) {
  if (path == "-") {
    // A buffered stream on a copy of fd 0 (closed with the buffer): std::cin, synced
    // with stdio, reads a byte at a time, ~0.1 s for a 3 MB line.
    const int fd = ::dup(STDIN_FILENO);
    if (fd < 0) {
      IngestStream(std::cin, "stdin", options_.stdin_jsonl);
      return;
    }
    __gnu_cxx::stdio_filebuf<char> buffer(fd, std::ios::in, 1 << 16);
    std::istream in(&buffer);
    IngestStream(in, "stdin", options_.stdin_jsonl);
    return;
  }
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    Problem(path, ec ? ec.message() : "no such file or directory");
    return;
  }
  if (!fs::is_directory(status)) {
    IngestFile(path);
    return;
  }
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(
           path, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) files.push_back(it->path().string());
  }
  if (ec) Problem(path, "walking the directory: " + ec.message());
  if (files.empty() && !ec)
    Warning(path, "no files to ingest in this directory (hidden ones are skipped)");
  std::sort(files.begin(), files.end());
  for (const auto& f : files) IngestFile(f);
}

void Ingester::IngestFile(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) {
    Problem(path, ec.message());
    return;
  }
  const bool jsonl = fs::path(path).extension() == ".jsonl";
  if (!jsonl && size > options_.max_document_bytes) {
    Problem(path, std::to_string(size) + " bytes is over the limit of " +
                      std::to_string(options_.max_document_bytes) + " (--max-document-bytes)");
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Problem(path, "cannot open for reading (permissions?)");
    return;
  }
  if (jsonl) {
    IngestStream(in, path, true);
    return;
  }
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (!in) {
    Problem(path, "read failed");
    return;
  }
  Submit(text, fs::path(path).stem().string(), path, "", {});
}

void Ingester::IngestStream(std::istream& in, const std::string& where, bool jsonl) {
  if (!jsonl) {
    // Read in pieces up to the limit: an endless stream must not take all memory.
    std::string all;
    std::array<char, 1 << 16> chunk;
    while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
      all.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
      if (all.size() > options_.max_document_bytes) {
        return Problem(where, "more than " + std::to_string(options_.max_document_bytes) +
                                  " bytes, over the limit (--max-document-bytes)");
      }
    }
    Submit(all, where, where, "", {});
    return;
  }
  std::string line;
  std::size_t number = 0;
  bool too_long = false;
  while (ReadBoundedLine(in, line, MaxJsonlLineBytes(options_.max_document_bytes), too_long)) {
    ++number;
    const std::string at = where + ":" + std::to_string(number);
    if (too_long) {
      Problem(at, "line of more than " +
                      std::to_string(MaxJsonlLineBytes(options_.max_document_bytes)) +
                      " bytes (4 x --max-document-bytes), not read");
      continue;
    }
    if (number == 1) {
      // A UTF-16 or UTF-32 file fails on every line; say it once, for the file.
      if (const auto encoding = store::ForeignEncoding(line); !encoding.empty()) {
        return Problem(where, store::ForeignEncodingReason(encoding));
      }
      if (line.starts_with(store::kUtf8Bom)) line.erase(0, store::kUtf8Bom.size());
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines
    IngestJsonlLine(line, at);
  }
}

void Ingester::IngestJsonlLine(const std::string& line, const std::string& where) {
  auto doc = ParseJsonlDocument(line);
  if (!doc) return Problem(where, doc.error().message);
  for (const auto& w : doc->warnings) Warning(where, w);
  Submit(doc->text, std::move(doc->title), where, std::move(doc->id), std::move(doc->questions));
}

void Ingester::Submit(std::string_view raw, std::string title, std::string source,
                      std::string given_id, std::vector<envelope::SuppliedQuestion> questions) {
  auto doc = store::AcceptDocument(store_, raw, source, given_id, options_.max_document_bytes);
  if (!doc) {
    std::string reason = doc.error().message.substr(source.size() + 2);
    if (!given_id.empty()) {
      const auto first = given_sources_.find(store::DocumentIdFrom(given_id));
      if (first != given_sources_.end()) reason += " (first submitted from " + first->second + ")";
    }
    return Problem(source, reason);
  }
  if (!given_id.empty()) given_sources_.emplace(doc->id, source);
  envelope::DocumentEvent event;
  event.doc_id = doc->id;
  event.title = std::move(title);
  event.source = std::move(source);
  event.bytes = doc->text.size();
  event.questions = std::move(questions);
  event.submitted_at = NowIso8601();
  publish_(event);
  ++documents_;
}

}  // namespace longforge::producers
