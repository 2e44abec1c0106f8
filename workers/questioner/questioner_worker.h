#pragma once
// questioner: lf.chunked → lf.tasks (the ledger) + lf.relevance.requests (fan-out),
// lf.subquestions (Lv3, from the answer stage) → lf.relevance.requests, and
// lf.relevance.credits → more of the fan-outs. Decides which questions are asked of
// a document — the supplied ones, plus generated ones when it has a QuestionGenerator —
// and fans each out to one relevance request per chunk (several questions share a
// request when questions_per_call > 1, so the chunk is read once for all of them),
// released through its FanOutGate within --fan-out-bytes as credits come back.

#include <optional>
#include <string>
#include <vector>

#include "longforge/envelope/messages.h"
#include "longforge/kafka/handler.h"
#include "longforge/store/document_store.h"
#include "workers/questioner/benchmark_index.h"
#include "workers/questioner/fan_out_gate.h"
#include "workers/questioner/question_generator.h"
#include "workers/questioner/question_sampler.h"
#include "workers/questioner/questioner_probe.h"
#include "workers/questioner/scope_router.h"

namespace longforge::workers {

// The smallest --fan-out-bytes accepted. A request larger than the budget is still
// released, alone, when nothing else is out.
inline constexpr std::size_t kMinFanOutBytes = 16 * 1024;

struct QuestionerOptions {
  std::size_t questions_per_call = 1;  // --questions-per-call; default 1
  int level = 2;                       // --level: agent level 1..3; default 2
  // --level auto: each task's level is chosen by CascadeLevel, and a task whose answer
  // the filter finds wrong is asked again one level up. Unset: auto when the answer
  // stage has an LLM (QuestionerStage::Build decides), else `level` for every task.
  std::optional<bool> cascade;
  std::size_t max_tasks_per_document = 500;  // bounds one document's fan-out
  // Generated questions (only with a generator set). sampling.questions_per_doc:
  // --questions-per-doc N, N >= 0 asks N of every document (0: none); the default -1
  // asks ceil(tokens / 50k) clamped to 1..20, and only of documents that came without
  // supplied questions. sampling.multi_hop_share: --multi-hop-share, default 0.2.
  // sampling.balance_depth: --balance-depth, default false.
  SamplingOptions sampling;
  double near_duplicate_threshold = 0.7;  // MinHash Jaccard at which a question is dropped
  // --fan-out-bytes: relevance request bytes (key + value) released and not yet
  // credited, over every document this questioner is fanning out. Default 4 MiB: far
  // below what one partition of the embedded broker holds (about 5 MiB, then it drops
  // the oldest), and about 6,000 requests, minutes of work for a 64-call LLM.
  std::size_t fan_out_bytes = std::size_t{4} << 20;
  // --scope: the scope of every supplied question; unset (auto, the default): each is
  // routed (ScopeRouter). Generated questions keep the scope they were written for.
  std::optional<envelope::Scope> scope;
  // --decontaminate FILE...: benchmark questions (JSONL with `question`, or one a line)
  // that no question may come close to (BenchmarkIndex; near-duplicates by
  // near_duplicate_threshold). Default none. QuestionerStage::Build indexes them.
  std::vector<std::string> decontaminate;

  std::vector<std::string> Validate() const;
};

// The level a task starts at under --level auto, and whether it may escalate: a local
// question with a reference starts at level 1 (keyword retrieval, no chunk read) and
// cascades (the filter can tell when its answer is wrong); a global one is read whole
// (level 2); one without a reference cannot be checked, so it starts where it would end:
// level 3 when it is multi-hop, else level 2.
void CascadeLevel(envelope::Task& task);

// A level-1 task as the answer stage receives it: one result with verdict not_asked
// instead of a relevance pass (no chunk is read; chunk_count says how many the document
// has). Keyed by task id, like every relevance result.
envelope::RelevanceResult NotAskedResult(const envelope::Task& task, uint32_t chunk_count);

// Deterministic task id: the document and the question with spacing, width and case
// folded (text::FoldForMatching), so a restated question maps to the same task.
std::string TaskIdOf(const std::string& doc_id, const std::string& question);

// Asynchronous when the generator is (an LLM); `done` is called once per message, from
// the run loop's thread or the LLM client's.
class QuestionerWorker final : public kafka::Handler {
 public:
  // `generator` (not owned; nullptr: supplied questions only), `probe` (may be null),
  // `router` (may be null: ScopeByRule) and `benchmark` (may be null: no
  // decontamination) must outlive the worker and its pending messages.
  QuestionerWorker(QuestionerOptions options, store::DocumentStore& store,
                   QuestionGenerator* generator = nullptr, QuestionerProbe* probe = nullptr,
                   ScopeRouter* router = nullptr, const BenchmarkIndex* benchmark = nullptr);

  // lf.chunked: plans the document's tasks and hands them to the gate, which emits the
  // ledger and the requests. A question (supplied or generated) that a benchmark item
  // contaminates is never asked: it gets an lf.rejected record (reason "contaminated")
  // emitted with the ledger, which still lists it, so observers see it end and finishes the message
  // once every request was credited (the message is parked until then). lf.subquestions: the same
  // for one Lv3 sub-question, without a ledger. lf.relevance.credits: returns the credit, finishes
  // at once.
  void HandleEmitting(const kafka::InMessage& message, kafka::Done done, kafka::Emit emit) override;
  // Without a way to emit, a document cannot be fanned out: it is retried.
  void Handle(const kafka::InMessage& message, kafka::Done done) override;
  // Documents whose fan-out holds their message.
  std::size_t Parked() const override { return gate_.Held(); }
  const FanOutGate& gate() const { return gate_; }

  // The supplied tasks of a chunked document and notes on what was dropped. Public for
  // tests.
  std::vector<envelope::Task> PlanTasks(const envelope::ChunkedEvent& doc,
                                        std::vector<std::string>& notes) const;

  // How many questions the generator is asked for: 0 without a generator.
  uint32_t GeneratedCount(const envelope::ChunkedEvent& doc) const;

 private:
  // lf.subquestions: an Lv3 sub-question over every chunk, ahead of documents.
  void FanOutSubQuestion(const kafka::InMessage& message, kafka::Done& done, kafka::Emit& emit);

  QuestionerOptions options_;
  store::DocumentStore& store_;
  QuestionGenerator* generator_;
  QuestionerProbe* probe_;
  ScopeRouter* router_;
  const BenchmarkIndex* benchmark_;
  FanOutGate gate_;
};

}  // namespace longforge::workers
