#pragma once
// sink: lf.dataset + lf.rejected → JSONL files in --out. Effectively-once: a sample
// id already in the file (from an earlier run, or a redelivery) is not written
// again. Lines are fsync'ed before their messages are finished, so a committed
// offset always means the record is on disk.

#include <cstdio>
#include <functional>
#include <list>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "longforge/envelope/messages.h"
#include "longforge/kafka/handler.h"
#include "longforge/store/document_store.h"
#include "workers/sink/sample_format.h"
#include "workers/sink/sink_probe.h"

namespace longforge::workers {

enum class SinkContext { kFull, kEvidence };

struct SinkOptions {
  std::string out_dir;                            // --out: directory for the files; required
  SinkContext context = SinkContext::kFull;       // --context full|evidence; default full
  SampleFormat format = SampleFormat::kMessages;  // --format, see sample_format.h
  // Called on the sink's thread for every record once it is on disk (or was already
  // there: a duplicate). `longforge run` counts tasks to their end with it.
  std::function<void(const envelope::SampleRecord&)> on_record;
  // Opens a file for appending, like std::fopen(path, "ab") (the default, when empty).
  // Tests point it at /dev/full or /dev/null to make writes, flushes or fsyncs fail.
  std::function<std::FILE*(const std::string& path)> open_for_append;

  std::vector<std::string> Validate() const;
};

class SinkWorker final : public kafka::Handler {
 public:
  // Opens (creating) dataset.jsonl and rejected.jsonl, reading the sample ids they
  // already hold; a torn last line from a crash is cut off. Error (kStop) names the file.
  // `probe` (may be null) must outlive the worker.
  static Result<std::unique_ptr<SinkWorker>> Open(SinkOptions options, store::DocumentStore& store,
                                                  SinkProbe* probe = nullptr);
  ~SinkWorker() override;

  void Handle(const kafka::InMessage& message, kafka::Done done) override;
  // Flushes and fsyncs, then finishes the buffered messages: a group commit of what
  // arrived since the last one. A write, flush or fsync error finishes every buffered
  // message with a kStop error naming the file and errno (they stay uncommitted, to be
  // redelivered), cuts the file back to its last fsync'ed byte and stops the sink: from
  // then on every message gets that error.
  void Tick() override;
  // At least every 10 ms, and as soon as the input pauses: one fsync covers a whole
  // batch under load, and a lone record is not held back (at a fixed 100 ms it was a
  // visible part of a question's latency).
  std::chrono::milliseconds TickInterval() const override { return std::chrono::milliseconds(10); }
  bool TickWhenIdle() const override { return true; }

  std::size_t written() const { return written_; }
  std::size_t duplicates() const { return duplicates_; }

 private:
  struct File {
    std::string path;
    std::FILE* fp = nullptr;
    std::set<std::string> ids;
    bool dirty = false;         // written since the last fsync
    std::uintmax_t synced = 0;  // bytes on disk: the file ends on a whole line there
  };
  SinkWorker(SinkOptions options, store::DocumentStore& store, SinkProbe* probe);
  Status OpenFile(File& f, const std::string& name);
  Status Sync(File& f);
  // After an I/O error: drops what stdio still buffers and any part of a line on disk
  // past `synced`, fails every buffered message with `error` and refuses the rest.
  void Fail(Error error);
  Result<std::string> Render(const envelope::SampleRecord& sample, bool accepted);
  // The whole document `doc_id`, JSON-escaped: from the cache, else read and escaped.
  Result<const std::string*> EscapedDocument(const std::string& doc_id);

  SinkOptions options_;
  store::DocumentStore& store_;
  File dataset_, rejected_;
  std::vector<std::pair<kafka::Done, envelope::SampleRecord>> pending_;
  SinkProbe* probe_;
  std::size_t written_ = 0, duplicates_ = 0;
  std::optional<Error> failed_;  // the first I/O error; the sink takes nothing after it
  // --context full: the last few documents, escaped (doc_id, text), most recent first.
  // Every question of a document carries it; escaping it once per document instead of
  // per sample was ~10% of the pipeline's CPU with eight questions per book.
  std::list<std::pair<std::string, std::string>> escaped_documents_;
  static constexpr std::size_t kEscapedDocuments = 4;
};

}  // namespace longforge::workers
