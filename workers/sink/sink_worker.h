#pragma once
// sink: lf.dataset + lf.rejected → JSONL files in --out. Effectively-once: a record
// already in a file (from an earlier run, or a redelivery; known by its sample id, or
// by its record id for a sample's windows) is not written again. Lines are fsync'ed before their
// messages are finished, so a committed offset always means the record is on disk.

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
#include "longforge/text/token_counter.h"
#include "workers/sink/context_window.h"
#include "workers/sink/sample_format.h"
#include "workers/sink/sink_probe.h"

namespace longforge::workers {

// --context: the whole document, the evidence passages, or windows of the document at a
// target length (context_window.h).
enum class SinkContext { kFull, kEvidence, kWindow };

// --context window: for each accepted sample, one record per window size and depth, each
// a cut of the document of exactly that many tokens holding all of the sample's evidence
// at that depth. What cannot be cut (evidence wider than the window, a document shorter
// than it, a depth out of reach) goes to skipped.jsonl with the reason.
struct WindowOptions {
  std::size_t tokens = 0;                                // --window-tokens; 0: see buckets
  std::vector<double> depths = {0, 0.25, 0.5, 0.75, 1};  // --depths
  // How far the evidence may sit from its depth: one reading chunk (--chunk-tokens).
  std::size_t tolerance_tokens = 1000;
};

struct SinkOptions {
  std::string out_dir;                            // --out: directory for the files; required
  SinkContext context = SinkContext::kFull;       // --context full|evidence|window
  SampleFormat format = SampleFormat::kMessages;  // --format, see sample_format.h
  WindowOptions window;
  // --length-buckets, ascending: one dataset file per bucket, dataset-<32k>.jsonl. With
  // --context window they are the window sizes; otherwise each sample goes to the
  // smallest bucket its context fits (dataset-over-<largest>.jsonl past the largest).
  std::vector<std::size_t> length_buckets;
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
  // `counter` (may be null: the estimator) counts window and bucket tokens; it must
  // outlive the worker, like `probe`.
  static Result<std::unique_ptr<SinkWorker>> Open(SinkOptions options, store::DocumentStore& store,
                                                  SinkProbe* probe = nullptr,
                                                  const text::TokenCounter* counter = nullptr);
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
    bool dirty = false;         // written since the last fsync
    std::uintmax_t synced = 0;  // bytes on disk: the file ends on a whole line there
  };
  // One line to write: its file, the key it is known by, the line (no newline).
  struct Line {
    File* file;
    std::string key;
    std::string text;
    std::string window;  // a window's outcome: "written" or why it was skipped; else empty
  };
  SinkWorker(SinkOptions options, store::DocumentStore& store, SinkProbe* probe,
             const text::TokenCounter* counter);
  // Opens DIR/name for appending, adding the keys of its records to `keys`.
  Status OpenFile(File& f, const std::string& name, std::set<std::string>& keys);
  Status Sync(File& f);
  std::vector<File*> Files();
  // After an I/O error: drops what stdio still buffers and any part of a line on disk
  // past `synced`, fails every buffered message with `error` and refuses the rest.
  void Fail(Error error);
  // The lines of an accepted sample: one, or one per window size and depth.
  Result<std::vector<Line>> AcceptedLines(const envelope::SampleRecord& sample);
  Result<std::vector<Line>> WindowLines(const envelope::SampleRecord& sample);
  // The keys an accepted sample's lines will have, known before rendering them.
  std::vector<std::string> AcceptedKeys(const envelope::SampleRecord& sample) const;
  // The dataset file for a context of `tokens` tokens (--length-buckets), or the one file.
  File& DatasetFor(std::size_t tokens);
  // The whole document `doc_id`, JSON-escaped: from the cache, else read and escaped.
  Result<const std::string*> EscapedDocument(const std::string& doc_id);
  // The document `doc_id` with its lines' tokens: from the cache, else read and counted.
  Result<const DocumentTokens*> Tokens(const std::string& doc_id);
  // The document's size in bytes; 0 when it cannot be read (a rejected record's
  // document may be gone; an accepted one's context fails on its own).
  uint64_t DocBytes(const std::string& doc_id) const;

  SinkOptions options_;
  store::DocumentStore& store_;
  std::unique_ptr<text::TokenCounter> own_counter_;  // the estimator, when none was given
  const text::TokenCounter& counter_;
  // dataset.jsonl, or one per length bucket (then one more for longer samples with
  // --context full|evidence); the keys of every accepted record, in any of them or in
  // skipped.jsonl.
  std::vector<File> datasets_;
  std::vector<std::string> bucket_labels_;  // parallel to datasets_ with --length-buckets
  std::set<std::string> accepted_keys_, rejected_keys_;
  File rejected_, skipped_;
  std::vector<std::pair<kafka::Done, envelope::SampleRecord>> pending_;
  SinkProbe* probe_;
  std::size_t written_ = 0, duplicates_ = 0;
  std::optional<Error> failed_;  // the first I/O error; the sink takes nothing after it
  // --context full: the last few documents, escaped (doc_id, text), most recent first.
  // Every question of a document carries it; escaping it once per document instead of
  // per sample was ~10% of the pipeline's CPU with eight questions per book.
  std::list<std::pair<std::string, std::string>> escaped_documents_;
  std::list<std::pair<std::string, std::unique_ptr<DocumentTokens>>> token_documents_;
  static constexpr std::size_t kEscapedDocuments = 4;
};

}  // namespace longforge::workers
