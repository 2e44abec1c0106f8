#include "workers/questioner/questioner_worker.h"

#include "longforge/text/language.h"

#include <cmath>
#include <memory>
#include <mutex>
#include <set>

#include "longforge/common/hash.h"
#include "longforge/envelope/chunk_table.h"
#include "longforge/envelope/document_map.h"
#include "longforge/kafka/topics.h"
#include "longforge/llm/usage.h"
#include "longforge/text/normalize.h"
#include "workers/questioner/generated_tasks.h"
#include "workers/questioner/global_questions.h"

namespace longforge::workers {
namespace {

// Types asked of single chunks in turn (the LLM generator honours them; the
// extractive one decides by its rules).
constexpr const char* kSingleTypes[] = {"fact", "number", "who", "cause", "comparison", "summary"};

// Moves the tasks from `from` on that a benchmark item contaminates out of `tasks`: each
// becomes an lf.rejected record in `rejected` (answered by no one, read nothing) and stays
// in the ledger, so that whoever counts the ledger's tasks sees it end at the sink.
void Decontaminate(const BenchmarkIndex* benchmark, std::vector<envelope::Task>& tasks,
                   std::size_t from, const char* what, envelope::TaskLedger& ledger,
                   kafka::Outputs& rejected, QuestionerProbe* probe) {
  if (benchmark == nullptr) return;
  std::size_t count = 0;
  auto keep = tasks.begin() + static_cast<long>(from);
  for (auto it = keep; it != tasks.end(); ++it) {
    auto match = benchmark->Match(it->question);
    if (!match) {
      if (keep != it) *keep = std::move(*it);
      ++keep;
      continue;
    }
    ++count;
    if (probe != nullptr) probe->Contaminated(it->origin);
    ledger.task_ids.push_back(it->task_id);
    envelope::SampleRecord sample;
    sample.sample_id = envelope::SampleIdOf(it->task_id);
    sample.verdict.decision = envelope::Decision::kReject;
    sample.verdict.reasons = {"contaminated"};
    sample.verdict.contamination = envelope::Contamination{
        std::move(match->source), std::move(match->item), std::move(match->method)};
    sample.record.task = std::move(*it);
    rejected.push_back(
        {kafka::kRejected, sample.sample_id, envelope::Encode(sample, "lf.rejected/v1")});
  }
  tasks.erase(keep, tasks.end());
  if (count > 0) {
    ledger.notes.push_back(std::to_string(count) + " " + what +
                           " questions rejected unanswered as contaminated (--decontaminate)");
  }
}

// Names the tasks in the ledger, detects each question's language, gives each its level
// and hands the document's fan-out to the gate; level-1 tasks skip the relevance pass
// and go straight to the answer stage with the ledger.
// `rejected`: the records of contaminated tasks, emitted with the ledger.
void FanOut(FanOutGate& gate, const envelope::ChunkTable& table, std::vector<envelope::Task> tasks,
            envelope::TaskLedger ledger, kafka::Outputs rejected, std::size_t per_call,
            bool cascade, QuestionerProbe* probe, kafka::Done done, kafka::Emit emit) {
  kafka::Outputs direct = std::move(rejected);
  const std::size_t rejected_count = direct.size();
  std::size_t cascading = 0;
  std::vector<envelope::Task> read;  // tasks that read every chunk
  read.reserve(tasks.size());
  for (auto& t : tasks) {
    ledger.task_ids.push_back(t.task_id);
    // The question's language (with its reference, for more text to go on).
    if (t.language.empty()) {
      t.language = text::DetectLanguage(t.question + " " + t.reference.value_or("")).value_or("");
    }
    if (cascade) CascadeLevel(t);
    cascading += t.cascade ? 1 : 0;
    if (t.level == 1) {
      direct.push_back(
          {kafka::kRelevanceResults, t.task_id,
           envelope::Encode(NotAskedResult(t, static_cast<uint32_t>(table.chunks.size())))});
    } else {
      read.push_back(std::move(t));
    }
  }
  const std::size_t level_one = direct.size() - rejected_count;
  if (level_one > 0) {
    ledger.notes.push_back(std::to_string(level_one) +
                           " tasks at level 1: keyword retrieval, no chunk read");
  }
  if (cascading > 0) {
    ledger.notes.push_back(std::to_string(cascading) +
                           " tasks cascade: asked again one level up when the answer is wrong");
  }
  if (probe != nullptr) {
    double generated = 0;
    for (const auto& t : tasks) generated += t.origin == envelope::Origin::kGenerated ? 1 : 0;
    probe->Planned(static_cast<double>(tasks.size()) - generated, generated);
  }
  FanOutPlan plan;
  plan.key = ledger.doc_id;
  plan.doc_id = ledger.doc_id;
  plan.table = table;
  plan.tasks = std::move(read);
  plan.per_call = per_call;
  plan.ledger = std::move(ledger);
  plan.direct = std::move(direct);
  gate.Add(std::move(plan), std::move(done), std::move(emit));
}

// One document whose questions are being generated. Shared by the generator callbacks,
// which may finish on another thread in any order; the last one to finish emits.
struct Job {
  envelope::ChunkedEvent doc;
  envelope::ChunkTable table;
  std::vector<envelope::Task> tasks;  // supplied
  envelope::TaskLedger ledger;
  kafka::Outputs rejected;  // records of contaminated tasks
  const BenchmarkIndex* benchmark = nullptr;
  uint32_t asked = 0;
  std::string generator;
  GeneratedTaskLimits limits;
  std::size_t per_call = 1;
  bool cascade = false;
  QuestionerProbe* probe = nullptr;
  FanOutGate* gate = nullptr;
  kafka::Done done;
  kafka::Emit emit;

  std::mutex mu;
  std::vector<GenerationOutcome> outcomes;  // guarded by mu; by sample index
  std::size_t fallbacks = 0;                // guarded by mu; supplied questions routed by rule
  std::string fallback;                     // guarded by mu; why, the first time
  std::optional<Error> error;               // guarded by mu; the first failure
  std::size_t pending = 0;                  // guarded by mu

  void Finish(std::size_t i, Result<GenerationOutcome> r) {
    {
      std::lock_guard lock(mu);
      if (r) {
        outcomes[i] = std::move(r.value());
      } else if (!error) {
        error = r.error();
      }
    }
    Release();
  }

  // Supplied task `i` was routed.
  void Routed(std::size_t i, RouteOutcome r) {
    {
      std::lock_guard lock(mu);
      tasks[i].scope = r.scope;
      llm::AddUsage(tasks[i].spent, r.usage);
      if (!r.fallback.empty() && fallbacks++ == 0) fallback = std::move(r.fallback);
    }
    Release();
  }

  // Counts one contributor out; the last emits the outputs, or the first failure.
  void Release() {
    {
      std::lock_guard lock(mu);
      if (--pending > 0) return;
    }
    if (error) return done(*error);
    if (fallbacks > 0) {
      ledger.notes.push_back(std::to_string(fallbacks) +
                             " supplied questions scoped by rule: " + fallback);
    }
    if (asked > 0) {
      const std::size_t supplied = tasks.size();
      AddGeneratedTasks(doc, outcomes, asked, generator, limits, tasks, ledger.notes);
      Decontaminate(benchmark, tasks, supplied, "generated", ledger, rejected, probe);
    }
    FanOut(*gate, table, std::move(tasks), std::move(ledger), std::move(rejected), per_call,
           cascade, probe, std::move(done), std::move(emit));
  }
};

}  // namespace

void CascadeLevel(envelope::Task& task) {
  task.cascade = false;
  if (task.scope == envelope::Scope::kGlobal) {
    task.level = 2;
  } else if (task.reference) {
    task.level = 1;
    task.cascade = true;
  } else {
    task.level = task.type == "multi-hop" ? 3 : 2;
  }
}

envelope::RelevanceResult NotAskedResult(const envelope::Task& task, uint32_t chunk_count) {
  envelope::RelevanceResult r;
  r.task = task;
  r.chunk = {};
  r.chunk_count = chunk_count;
  r.verdict = envelope::RelevanceVerdict::kNotAsked;
  return r;
}

std::vector<std::string> QuestionerOptions::Validate() const {
  std::vector<std::string> problems;
  if (questions_per_call < 1 || questions_per_call > 32) {
    problems.emplace_back("--questions-per-call must be 1..32");
  }
  if (level < 1 || level > 3) problems.emplace_back("--level must be 1, 2 or 3");
  if (max_tasks_per_document < 1) problems.emplace_back("max tasks per document must be >= 1");
  if (sampling.questions_per_doc < -1 ||
      sampling.questions_per_doc > static_cast<long>(max_tasks_per_document)) {
    problems.emplace_back("--questions-per-doc must be 0.." +
                          std::to_string(max_tasks_per_document) + " (or -1: by length)");
  }
  if (!(sampling.multi_hop_share >= 0.0 && sampling.multi_hop_share <= 1.0)) {
    problems.emplace_back("--multi-hop-share must be 0..1");
  }
  if (sampling.tokens_per_question < 1) problems.emplace_back("tokens per question must be >= 1");
  if (sampling.min_auto_questions > sampling.max_auto_questions) {
    problems.emplace_back("min auto questions must not exceed max auto questions");
  }
  if (!(sampling.global_share >= 0.0 && sampling.global_share <= 1.0)) {
    problems.emplace_back("--global-share must be 0..1");
  }
  if (!(sampling.min_hop_gap >= 0.0 && sampling.min_hop_gap < 1.0)) {
    problems.emplace_back("multi-hop gap must be in [0, 1)");
  }
  if (!(near_duplicate_threshold > 0.0 && near_duplicate_threshold <= 1.0)) {
    problems.emplace_back("near-duplicate threshold must be in (0, 1]");
  }
  for (const auto& file : decontaminate) {
    if (file.empty()) problems.emplace_back("--decontaminate needs file names, got an empty one");
  }
  if (fan_out_bytes < kMinFanOutBytes) {
    problems.emplace_back("--fan-out-bytes must be at least " + std::to_string(kMinFanOutBytes) +
                          " (one relevance request with its questions)");
  }
  return problems;
}

std::string TaskIdOf(const std::string& doc_id, const std::string& question) {
  return Hash128Hex(doc_id + "\n" + text::FoldForMatching(question));
}

QuestionerWorker::QuestionerWorker(QuestionerOptions options, store::DocumentStore& store,
                                   QuestionGenerator* generator, QuestionerProbe* probe,
                                   ScopeRouter* router, const BenchmarkIndex* benchmark)
    : options_(std::move(options)),
      store_(store),
      generator_(generator),
      probe_(probe),
      router_(router),
      benchmark_(benchmark),
      gate_(options_.fan_out_bytes, probe) {}

std::vector<envelope::Task> QuestionerWorker::PlanTasks(const envelope::ChunkedEvent& doc,
                                                        std::vector<std::string>& notes) const {
  std::vector<envelope::Task> tasks;
  std::set<std::string> seen;
  std::size_t empty = 0, duplicate = 0, over = 0;
  for (const auto& q : doc.questions) {
    if (text::FoldForMatching(q.question).empty()) {
      ++empty;
      continue;
    }
    envelope::Task t;
    t.task_id = TaskIdOf(doc.doc_id, q.question);
    if (!seen.insert(t.task_id).second) {
      ++duplicate;
      continue;
    }
    if (tasks.size() >= options_.max_tasks_per_document) {
      ++over;
      continue;
    }
    t.doc_id = doc.doc_id;
    t.question = q.question;
    t.reference = q.answer;
    t.origin = envelope::Origin::kSupplied;
    t.type = "supplied";
    t.level = options_.level;
    t.scope = options_.scope.value_or(ScopeByRule(q.question));
    t.chunks_ref = doc.chunks_ref;
    tasks.push_back(std::move(t));
  }
  if (empty) notes.push_back(std::to_string(empty) + " empty questions dropped");
  if (duplicate) notes.push_back(std::to_string(duplicate) + " duplicate questions dropped");
  if (over)
    notes.push_back(std::to_string(over) + " questions over the per-document limit dropped");
  if (doc.questions.empty()) notes.emplace_back("no questions supplied");
  return tasks;
}

uint32_t QuestionerWorker::GeneratedCount(const envelope::ChunkedEvent& doc) const {
  if (generator_ == nullptr) return 0;
  if (options_.sampling.questions_per_doc < 0 && !doc.questions.empty()) return 0;
  return QuestionCount(options_.sampling, doc.tokens);
}

void QuestionerWorker::FanOutSubQuestion(const kafka::InMessage& message, kafka::Done& done,
                                         kafka::Emit& emit) {
  auto sub = envelope::DecodeSubQuestion(message.value);
  if (!sub) return done(sub.error());
  auto table_bytes = store_.Get(sub->task.chunks_ref);
  if (!table_bytes) return done(table_bytes.error());
  auto table = envelope::DecodeChunkTable(*table_bytes);
  if (!table) return done(table.error());
  FanOutPlan plan;
  plan.key = sub->task.task_id;
  plan.doc_id = sub->task.doc_id;
  plan.table = std::move(table.value());
  plan.tasks = {std::move(sub->task)};
  plan.urgent = true;
  gate_.Add(std::move(plan), std::move(done), std::move(emit));
}

void QuestionerWorker::Handle(const kafka::InMessage& message, kafka::Done done) {
  HandleEmitting(message, std::move(done), [](kafka::Outputs, kafka::Delivered delivered) {
    delivered(Error::Retry("the questioner needs a run loop that can emit before it finishes"));
  });
}

void QuestionerWorker::HandleEmitting(const kafka::InMessage& message, kafka::Done done,
                                      kafka::Emit emit) {
  if (message.topic == kafka::kRelevanceCredits) {
    auto credit = envelope::DecodeRelevanceCredit(message.value);
    if (!credit) return done(credit.error());
    gate_.Credit(*credit);
    return done(kafka::Outputs{});
  }
  if (message.topic == kafka::kSubquestions) return FanOutSubQuestion(message, done, emit);
  auto mapped = envelope::DecodeMappedEvent(message.value);
  if (!mapped) return done(mapped.error());
  envelope::ChunkedEvent& doc = mapped->doc;
  auto table_bytes = store_.Get(doc.chunks_ref);
  if (!table_bytes) return done(table_bytes.error());
  auto table = envelope::DecodeChunkTable(*table_bytes);
  if (!table) return done(table.error());
  if (table->chunks.size() != doc.chunk_count) {
    return done(Error::DeadLetter("chunk table " + doc.chunks_ref + " has " +
                                  std::to_string(table->chunks.size()) + " chunks, message says " +
                                  std::to_string(doc.chunk_count)));
  }

  envelope::TaskLedger ledger;
  ledger.doc_id = doc.doc_id;
  auto tasks = PlanTasks(doc, ledger.notes);
  // Before routing, so that no LLM call is spent on a question that will not be asked.
  kafka::Outputs rejected;
  Decontaminate(benchmark_, tasks, 0, "supplied", ledger, rejected, probe_);
  const uint32_t asked = GeneratedCount(doc);
  // Supplied questions are routed by the router's call unless --scope decided them (the
  // rule has already given each its scope).
  const bool route = !options_.scope && router_ != nullptr && !tasks.empty();
  if (asked == 0 && !route) {
    return FanOut(gate_, *table, std::move(tasks), std::move(ledger), std::move(rejected),
                  options_.questions_per_call, options_.cascade.value_or(false), probe_,
                  std::move(done), std::move(emit));
  }

  const uint64_t seed = SeedOf(doc.doc_id);
  // A share of the generated questions is about the whole document, written from its
  // map: by rule (timeline, count, first_last), and, when the generator writes from maps
  // (an LLM), half of them by the generator (arc, compare, causal). The rest go to the
  // generator one chunk (or pair) each. Outcomes are laid out as
  //   [0, local) chunk samples, [local, local + by_map) map samples, then the rule's.
  uint32_t global_count = 0;
  if (asked > 0 && !mapped->map_ref.empty()) {
    global_count = static_cast<uint32_t>(
        std::lround(static_cast<double>(asked) * options_.sampling.global_share));
  } else if (asked > 0 && options_.sampling.global_share > 0) {
    ledger.notes.emplace_back("no document map: no questions about the whole document");
  }
  const uint32_t by_map =
      generator_ != nullptr && generator_->WritesFromMaps() ? global_count / 2 : 0;
  const uint32_t by_rule = global_count - by_map;
  const uint32_t local_count = asked - global_count;
  std::vector<GenerationOutcome> ruled;
  std::vector<std::pair<std::size_t, QuestionSample>> samples;  // (outcome index, sample)
  std::vector<std::pair<std::size_t, std::string>> unwritten;   // (outcome index, why)
  if (global_count > 0) {
    auto map_bytes = store_.Get(mapped->map_ref);
    if (!map_bytes) return done(map_bytes.error());
    auto map = envelope::DecodeDocumentMap(*map_bytes);
    if (!map) return done(map.error());
    if (map->cards.size() != table->chunks.size()) {
      return done(Error::DeadLetter("document map " + mapped->map_ref + " has " +
                                    std::to_string(map->cards.size()) + " cards for " +
                                    std::to_string(table->chunks.size()) + " chunks"));
    }
    auto text = store_.Get(store::DocumentStore::TextKey(doc.doc_id));
    if (!text) return done(text.error());
    ruled = WriteGlobalQuestions(*table, *map, *text, by_rule, seed);
    std::size_t index = local_count;
    for (auto& m : MapSamples(*table, *map, *text, doc.doc_id, by_map, seed)) {
      if (m.sample) {
        samples.emplace_back(index++, std::move(*m.sample));
      } else {
        unwritten.emplace_back(index++, std::move(m.skipped));
      }
    }
    ledger.notes.push_back(
        std::to_string(global_count) +
        " generated questions asked about the whole document, from its map: " +
        std::to_string(by_rule) + " by rule (timeline, count, first_last, aggregate)" +
        (by_map > 0 ? ", " + std::to_string(by_map) + " by the generator (arc, compare, causal)"
                    : std::string()));
  }
  std::size_t index = 0;
  for (const auto& s : local_count == 0
                           ? std::vector<ChunkSample>{}
                           : SampleChunks(table->chunks, local_count, options_.sampling, seed)) {
    QuestionSample sample;
    sample.doc_id = doc.doc_id;
    sample.requested_type = kSingleTypes[(seed + index) % std::size(kSingleTypes)];
    for (const uint32_t c : s.chunks) {
      const auto& ref = table->chunks[c];
      auto bytes = store_.GetRange(store::DocumentStore::TextKey(doc.doc_id), ref.begin, ref.end);
      if (!bytes) return done(bytes.error());
      sample.chunks.push_back({c, std::move(bytes.value())});
    }
    samples.emplace_back(index++, std::move(sample));
  }

  // Shared by every callback of this document: the last one to finish emits.
  auto job = std::make_shared<Job>();
  job->doc = std::move(doc);
  job->table = std::move(table.value());
  job->tasks = std::move(tasks);
  job->ledger = std::move(ledger);
  job->rejected = std::move(rejected);
  job->benchmark = benchmark_;
  job->asked = asked;
  job->generator = generator_ != nullptr ? generator_->Name() : "";
  job->limits = {options_.level, options_.max_tasks_per_document,
                 options_.near_duplicate_threshold};
  job->per_call = options_.questions_per_call;
  job->cascade = options_.cascade.value_or(false);
  job->probe = probe_;
  job->gate = &gate_;
  job->done = std::move(done);
  job->emit = std::move(emit);
  job->outcomes.assign(asked, GenerationOutcome{std::nullopt, "document too short"});
  std::move(ruled.begin(), ruled.end(), job->outcomes.begin() + local_count + by_map);
  for (auto& [i, why] : unwritten) job->outcomes[i] = {std::nullopt, std::move(why)};
  const std::size_t routed = route ? job->tasks.size() : 0;
  // + this call, so no callback emits before the loops end
  job->pending = samples.size() + routed + 1;
  for (std::size_t i = 0; i < routed; ++i) {
    router_->Route(job->tasks[i].question,
                   [job, i](RouteOutcome r) { job->Routed(i, std::move(r)); });
  }
  for (auto& [i, sample] : samples) {
    generator_->Generate(std::move(sample), [job, i = i](Result<GenerationOutcome> r) {
      job->Finish(i, std::move(r));
    });
  }
  // Samples beyond those the document could give stay "document too short".
  job->Release();
}

}  // namespace longforge::workers
