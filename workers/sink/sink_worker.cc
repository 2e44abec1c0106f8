#include "workers/sink/sink_worker.h"

#include <stdio_ext.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "longforge/envelope/messages.h"
#include "longforge/kafka/topics.h"
#include "workers/sink/sample_format.h"

namespace longforge::workers {
namespace fs = std::filesystem;

namespace {

// "0.25", "0", "1": a depth as a record id writes it.
std::string DepthLabel(double depth) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, depth);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(depth);
}

}  // namespace

std::vector<std::string> SinkOptions::Validate() const {
  std::vector<std::string> problems;
  if (out_dir.empty()) problems.emplace_back("--out is required");
  if (context == SinkContext::kWindow) {
    if (window.tokens == 0 && length_buckets.empty()) {
      problems.emplace_back("--context window needs --window-tokens N or --length-buckets");
    }
    if (window.tokens > 0 && !length_buckets.empty()) {
      problems.emplace_back(
          "--window-tokens and --length-buckets together: with --context window each bucket is "
          "a window size; give one of them, not both");
    }
    if (window.depths.empty()) problems.emplace_back("--depths is empty");
  } else if (window.tokens > 0) {
    problems.emplace_back("--window-tokens needs --context window");
  }
  return problems;
}

SinkWorker::SinkWorker(SinkOptions options, store::DocumentStore& store, SinkProbe* probe,
                       const text::TokenCounter* counter)
    : options_(std::move(options)),
      store_(store),
      own_counter_(counter ? nullptr : text::MakeEstimator()),
      counter_(counter ? *counter : *own_counter_),
      probe_(probe) {}

SinkWorker::~SinkWorker() {
  Tick();
  for (File* f : Files()) {
    if (f->fp) std::fclose(f->fp);
  }
}

std::vector<SinkWorker::File*> SinkWorker::Files() {
  std::vector<File*> files;
  for (File& f : datasets_) files.push_back(&f);
  files.push_back(&rejected_);
  if (skipped_.fp) files.push_back(&skipped_);
  return files;
}

Result<std::unique_ptr<SinkWorker>> SinkWorker::Open(SinkOptions options,
                                                     store::DocumentStore& store, SinkProbe* probe,
                                                     const text::TokenCounter* counter) {
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) return Error::Stop("--out " + options.out_dir + ": " + ec.message());
  std::unique_ptr<SinkWorker> sink(new SinkWorker(std::move(options), store, probe, counter));
  SinkWorker& w = *sink;
  std::vector<std::string> names;
  if (w.options_.length_buckets.empty()) {
    names.emplace_back("dataset.jsonl");
  } else {
    for (const std::size_t b : w.options_.length_buckets) {
      w.bucket_labels_.push_back(TokensLabel(b));
      names.push_back("dataset-" + w.bucket_labels_.back() + ".jsonl");
    }
    if (w.options_.context != SinkContext::kWindow) {
      w.bucket_labels_.push_back("over-" + TokensLabel(w.options_.length_buckets.back()));
      names.push_back("dataset-" + w.bucket_labels_.back() + ".jsonl");
    }
  }
  w.datasets_.resize(names.size());  // never resized again: Lines point into it
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (auto s = w.OpenFile(w.datasets_[i], names[i], w.accepted_keys_); !s) return s.error();
  }
  if (auto s = w.OpenFile(w.rejected_, "rejected.jsonl", w.rejected_keys_); !s) return s.error();
  if (w.options_.context == SinkContext::kWindow) {
    if (auto s = w.OpenFile(w.skipped_, "skipped.jsonl", w.accepted_keys_); !s) return s.error();
  }
  return sink;
}

Status SinkWorker::OpenFile(File& f, const std::string& name, std::set<std::string>& keys) {
  f.path = options_.out_dir + "/" + name;
  std::error_code ec;
  const bool exists = fs::exists(f.path, ec);
  if (ec) return Error::Stop(f.path + ": " + ec.message());
  std::uintmax_t keep = 0;
  if (exists) {
    std::ifstream in(f.path, std::ios::binary);
    if (!in) return Error::Stop(f.path + ": cannot open for reading: " + std::strerror(errno));
    std::string line;
    std::size_t number = 0, torn = 0;
    while (std::getline(in, line)) {
      if (in.eof()) {  // no newline: a torn line from a crash, cut below
        torn = line.size();
        break;
      }
      ++number;
      const auto at = [&] {
        return f.path + ":" + std::to_string(number) + " (line ending at byte " +
               std::to_string(keep + line.size() + 1) + ")";
      };
      const auto j = nlohmann::json::parse(line, nullptr, false);
      const nlohmann::json* meta = j.is_discarded() ? nullptr : RecordMeta(j);
      if (meta == nullptr || !meta->contains("sample_id")) {
        return Error::Stop(at() +
                           " is not a longforge record; move the file away or pick another --out");
      }
      const nlohmann::json* key = RecordKey(*meta);
      if (key == nullptr) {
        return Error::Stop(at() + ": its sample_id or record_id is not a string; move the file " +
                           "away or pick another --out");
      }
      keys.insert(key->get<std::string>());
      keep += line.size() + 1;
    }
    // A read error looks like the end of the file to a stream: cutting there would drop
    // the records after it.
    const std::uintmax_t size = fs::file_size(f.path, ec);
    if (ec) return Error::Stop(f.path + ": " + ec.message());
    if (size != keep + torn) {
      return Error::Stop(f.path + ": reading stopped at byte " + std::to_string(keep + torn) +
                         " of " + std::to_string(size) + ": " + std::strerror(errno));
    }
    if (torn > 0) fs::resize_file(f.path, keep, ec);
    if (ec) return Error::Stop(f.path + ": cutting the torn last line: " + ec.message());
  }
  f.synced = keep;
  f.fp = options_.open_for_append ? options_.open_for_append(f.path)
                                  : std::fopen(f.path.c_str(), "ab");
  if (f.fp == nullptr) {
    return Error::Stop(f.path + ": cannot open for appending: " + std::strerror(errno));
  }
  return {};
}

uint64_t SinkWorker::DocBytes(const std::string& doc_id) const {
  std::error_code ec;
  const auto size = fs::file_size(store_.PathOf(store::DocumentStore::TextKey(doc_id)), ec);
  return ec ? 0 : size;
}

SinkWorker::File& SinkWorker::DatasetFor(std::size_t tokens) {
  const auto& buckets = options_.length_buckets;
  const auto it = std::lower_bound(buckets.begin(), buckets.end(), tokens);
  return datasets_[std::min<std::size_t>(it - buckets.begin(), datasets_.size() - 1)];
}

std::vector<std::string> SinkWorker::AcceptedKeys(const envelope::SampleRecord& sample) const {
  if (options_.context != SinkContext::kWindow) return {sample.sample_id};
  std::vector<std::string> keys;
  std::vector<std::size_t> sizes = options_.length_buckets;
  if (sizes.empty()) sizes.push_back(options_.window.tokens);
  for (const std::size_t n : sizes) {
    for (const double d : options_.window.depths) {
      keys.push_back(sample.sample_id + "/w" + TokensLabel(n) + "@" + DepthLabel(d));
    }
  }
  return keys;
}

Result<std::vector<SinkWorker::Line>> SinkWorker::AcceptedLines(
    const envelope::SampleRecord& sample) {
  if (options_.context == SinkContext::kWindow) return WindowLines(sample);
  const auto& r = sample.record;
  const std::string key = store::DocumentStore::TextKey(r.task.doc_id);
  ContextInfo info;
  info.doc_bytes = DocBytes(r.task.doc_id);
  const bool bucketed = !options_.length_buckets.empty();
  std::string context;
  if (options_.context == SinkContext::kFull) {
    auto escaped = EscapedDocument(r.task.doc_id);
    if (!escaped) return escaped.error();
    if (!escaped.value()->empty()) {
      File* file = &datasets_.front();
      if (bucketed) {
        auto tokens = Tokens(r.task.doc_id);
        if (!tokens) return tokens.error();
        file = &DatasetFor(tokens.value()->tokens());
        info.length_bucket = bucket_labels_[file - datasets_.data()];
      }
      return std::vector<Line>{
          {file, sample.sample_id,
           RenderAcceptedEscaped(sample, options_.format, *escaped.value(), info), ""}};
    }
  } else if (!r.evidence.empty()) {
    // The evidence passages, in document order, as the model saw them.
    for (const auto& span : r.evidence) {
      auto text = store_.GetRange(key, span.begin, span.end);
      if (!text) return text.error();
      if (!context.empty()) context += "\n\n";
      context += text.value();
    }
  } else {
    for (const auto& q : r.quotes) context += (context.empty() ? "" : "\n") + q;
  }
  File* file = &datasets_.front();
  if (bucketed) {
    file = &DatasetFor(counter_.Count(context));
    info.length_bucket = bucket_labels_[file - datasets_.data()];
  }
  return std::vector<Line>{
      {file, sample.sample_id, RenderAccepted(sample, options_.format, context, info), ""}};
}

Result<std::vector<SinkWorker::Line>> SinkWorker::WindowLines(
    const envelope::SampleRecord& sample) {
  auto loaded = Tokens(sample.record.task.doc_id);
  if (!loaded) return loaded.error();
  const DocumentTokens& doc = *loaded.value();
  std::vector<Span> spans;
  for (const auto& e : sample.record.evidence) spans.push_back({e.begin, e.end});
  const auto range = KeyEvidence(doc.text(), spans, sample.record.quotes);
  std::vector<std::size_t> sizes = options_.length_buckets;
  if (sizes.empty()) sizes.push_back(options_.window.tokens);
  const std::vector<std::string> keys = AcceptedKeys(sample);
  std::vector<Line> lines;
  std::size_t k = 0;
  for (std::size_t b = 0; b < sizes.size(); ++b) {
    for (const double depth : options_.window.depths) {
      const std::string& key = keys[k++];
      std::variant<Window, WindowSkip> cut =
          range ? CutWindow(doc, range->begin, range->end,
                            {sizes[b], depth, options_.window.tolerance_tokens})
                : std::variant<Window, WindowSkip>(
                      WindowSkip{"no_evidence",
                                 "the sample has no evidence span (it was not answered from "
                                 "passages of the document)"});
      if (const auto* skip = std::get_if<WindowSkip>(&cut)) {
        nlohmann::json meta = {{"sample_id", sample.sample_id},
                               {"record_id", key},
                               {"doc_id", sample.record.task.doc_id},
                               {"question", sample.record.task.question},
                               {"window_tokens", sizes[b]},
                               {"depth", depth},
                               {"reason", skip->reason},
                               {"detail", skip->detail}};
        nlohmann::json out = {{"meta", std::move(meta)}};
        lines.push_back({&skipped_, key,
                         out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                         skip->reason});
        continue;
      }
      const Window& w = std::get<Window>(cut);
      ContextInfo info;
      info.doc_bytes = doc.text().size();
      info.record_id = key;
      info.window = WindowPlacement{w.begin,         w.end,   w.tokens,        w.evidence_tokens,
                                    w.tokens_before, w.depth, w.evidence_depth};
      if (!options_.length_buckets.empty()) info.length_bucket = bucket_labels_[b];
      lines.push_back({&datasets_[options_.length_buckets.empty() ? 0 : b], key,
                       RenderAccepted(sample, options_.format,
                                      doc.text().substr(w.begin, w.end - w.begin), info),
                       "written"});
    }
  }
  return lines;
}

Result<const std::string*> SinkWorker::EscapedDocument(const std::string& doc_id) {
  for (auto it = escaped_documents_.begin(); it != escaped_documents_.end(); ++it) {
    if (it->first != doc_id) continue;
    escaped_documents_.splice(escaped_documents_.begin(), escaped_documents_, it);
    return &escaped_documents_.front().second;
  }
  auto text = store_.Get(store::DocumentStore::TextKey(doc_id));
  if (!text) return text.error();
  escaped_documents_.emplace_front(doc_id, EscapeJsonString(text.value()));
  if (escaped_documents_.size() > kEscapedDocuments) escaped_documents_.pop_back();
  return &escaped_documents_.front().second;
}

Result<const DocumentTokens*> SinkWorker::Tokens(const std::string& doc_id) {
  for (auto it = token_documents_.begin(); it != token_documents_.end(); ++it) {
    if (it->first != doc_id) continue;
    token_documents_.splice(token_documents_.begin(), token_documents_, it);
    return token_documents_.front().second.get();
  }
  auto text = store_.Get(store::DocumentStore::TextKey(doc_id));
  if (!text) return text.error();
  token_documents_.emplace_front(
      doc_id, std::make_unique<DocumentTokens>(std::move(text.value()), counter_));
  if (token_documents_.size() > kEscapedDocuments) token_documents_.pop_back();
  return token_documents_.front().second.get();
}

void SinkWorker::Handle(const kafka::InMessage& message, kafka::Done done) {
  if (failed_) return done(*failed_);
  const bool accepted = message.topic == kafka::kDataset;
  auto sample = envelope::DecodeSampleRecord(message.value);
  if (!sample) return done(sample.error());
  std::set<std::string>& keys = accepted ? accepted_keys_ : rejected_keys_;
  const auto duplicate = [&] {
    ++duplicates_;
    if (probe_) probe_->Duplicate();
    if (options_.on_record) options_.on_record(*sample);
    return done(kafka::Outputs{});
  };
  std::vector<Line> lines;
  if (accepted) {
    const auto wanted = AcceptedKeys(*sample);
    if (std::all_of(wanted.begin(), wanted.end(),
                    [&keys](const std::string& k) { return keys.contains(k); })) {
      return duplicate();
    }
    auto rendered = AcceptedLines(*sample);
    if (!rendered) return done(rendered.error());
    lines = std::move(rendered.value());
  } else {
    if (keys.contains(sample->sample_id)) return duplicate();
    ContextInfo info;
    info.doc_bytes = DocBytes(sample->record.task.doc_id);
    lines.push_back({&rejected_, sample->sample_id, RenderRejected(*sample, info), ""});
  }
  for (Line& line : lines) {
    // A redelivery after a crash between a sample's windows writes the missing ones.
    if (keys.contains(line.key)) continue;
    keys.insert(line.key);
    File& f = *line.file;
    line.text += '\n';
    f.dirty = true;
    if (std::fwrite(line.text.data(), 1, line.text.size(), f.fp) != line.text.size()) {
      Fail(Error::Stop(f.path + ": write failed: " + std::strerror(errno)));
      return done(*failed_);
    }
    if (probe_ && !line.window.empty()) probe_->Window(line.window);
  }
  ++written_;
  pending_.emplace_back(std::move(done), std::move(sample.value()));
}

Status SinkWorker::Sync(File& f) {
  if (!f.dirty) return {};
  if (std::fflush(f.fp) != 0) {
    return Error::Stop(f.path + ": write failed: " + std::strerror(errno));
  }
  if (::fsync(::fileno(f.fp)) != 0) {
    return Error::Stop(f.path + ": fsync failed: " + std::strerror(errno));
  }
  f.dirty = false;
  if (const off_t end = ::lseek(::fileno(f.fp), 0, SEEK_END); end >= 0) f.synced = end;
  return {};
}

void SinkWorker::Tick() {
  if (pending_.empty() || failed_) return;
  const auto start = std::chrono::steady_clock::now();
  for (File* f : Files()) {
    if (auto s = Sync(*f); !s) return Fail(s.error());
  }
  auto pending = std::move(pending_);
  pending_.clear();
  if (probe_) {
    double accepted = 0;
    for (const auto& [done, sample] : pending) {
      accepted += sample.verdict.decision == envelope::Decision::kAccept ? 1 : 0;
    }
    probe_->Committed(
        accepted, static_cast<double>(pending.size()) - accepted,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  for (auto& [done, sample] : pending) {
    if (options_.on_record) options_.on_record(sample);
    done(kafka::Outputs{});
  }
}

void SinkWorker::Fail(Error error) {
  std::string message = error.message;
  for (File* f : Files()) {
    if (!f->dirty) continue;
    // What stdio still holds would be written by fclose, after a part of a line maybe:
    // drop it, and cut the file back to its last whole line. The lines come again.
    ::__fpurge(f->fp);
    struct stat st {};
    const int fd = ::fileno(f->fp);
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        ::ftruncate(fd, static_cast<off_t>(f->synced)) != 0) {
      message += "; cutting " + f->path + " back to byte " + std::to_string(f->synced) +
                 " failed too: " + std::strerror(errno);
    }
  }
  message += " (the unsynced records stay uncommitted and are redelivered)";
  failed_ = Error::Stop(std::move(message));
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [done, sample] : pending) done(*failed_);
}

}  // namespace longforge::workers
