#include "workers/sink/sink_worker.h"

#include <stdio_ext.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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

std::vector<std::string> SinkOptions::Validate() const {
  std::vector<std::string> problems;
  if (out_dir.empty()) problems.emplace_back("--out is required");
  return problems;
}

SinkWorker::SinkWorker(SinkOptions options, store::DocumentStore& store, SinkProbe* probe)
    : options_(std::move(options)), store_(store), probe_(probe) {}

SinkWorker::~SinkWorker() {
  Tick();
  for (File* f : {&dataset_, &rejected_}) {
    if (f->fp) std::fclose(f->fp);
  }
}

Result<std::unique_ptr<SinkWorker>> SinkWorker::Open(SinkOptions options,
                                                     store::DocumentStore& store,
                                                     SinkProbe* probe) {
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) return Error::Stop("--out " + options.out_dir + ": " + ec.message());
  std::unique_ptr<SinkWorker> sink(new SinkWorker(std::move(options), store, probe));
  if (auto s = sink->OpenFile(sink->dataset_, "dataset.jsonl"); !s) return s.error();
  if (auto s = sink->OpenFile(sink->rejected_, "rejected.jsonl"); !s) return s.error();
  return sink;
}

Status SinkWorker::OpenFile(File& f, const std::string& name) {
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
      const auto& id = (*meta)["sample_id"];
      if (!id.is_string()) {
        return Error::Stop(at() + ": its sample_id is " + id.type_name() +
                           ", not a string; move the file away or pick another --out");
      }
      f.ids.insert(id.get<std::string>());
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

Result<std::string> SinkWorker::Render(const envelope::SampleRecord& sample, bool accepted) {
  if (!accepted) return RenderRejected(sample);
  const auto& r = sample.record;
  const std::string key = store::DocumentStore::TextKey(r.task.doc_id);
  std::string context;
  if (options_.context == SinkContext::kFull) {
    auto escaped = EscapedDocument(r.task.doc_id);
    if (!escaped) return escaped.error();
    if (!escaped.value()->empty()) {
      return RenderAcceptedEscaped(sample, options_.format, *escaped.value());
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
  return RenderAccepted(sample, options_.format, context);
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

void SinkWorker::Handle(const kafka::InMessage& message, kafka::Done done) {
  if (failed_) return done(*failed_);
  const bool accepted = message.topic == kafka::kDataset;
  File& f = accepted ? dataset_ : rejected_;
  auto sample = envelope::DecodeSampleRecord(message.value);
  if (!sample) return done(sample.error());
  const std::string id = sample->sample_id;
  if (f.ids.contains(id)) {
    ++duplicates_;
    if (probe_) probe_->Duplicate();
    if (options_.on_record) options_.on_record(*sample);
    return done(kafka::Outputs{});
  }
  auto line = Render(*sample, accepted);
  if (!line) return done(line.error());
  f.ids.insert(id);
  line.value() += '\n';
  f.dirty = true;
  if (std::fwrite(line->data(), 1, line->size(), f.fp) != line->size()) {
    Fail(Error::Stop(f.path + ": write failed: " + std::strerror(errno)));
    return done(*failed_);
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
  for (File* f : {&dataset_, &rejected_}) {
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
  for (File* f : {&dataset_, &rejected_}) {
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
