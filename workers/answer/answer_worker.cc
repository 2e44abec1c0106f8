#include "workers/answer/answer_worker.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <utility>

#include <spdlog/spdlog.h>

#include "longforge/kafka/topics.h"
#include "longforge/llm/usage.h"

namespace longforge::workers {
using llm::AddUsage;

std::vector<std::string> AnswerOptions::Validate() const {
  std::vector<std::string> problems;
  if (gather_timeout.count() < 1) problems.emplace_back("--gather-timeout must be >= 1 s");
  if (hop_limit < 0 || hop_limit > 16) problems.emplace_back("--hop-limit must be 0..16");
  return problems;
}

AnswerWorker::AnswerWorker(AnswerOptions options, AnswerBackend& backend)
    : AnswerWorker(options, backend, nullptr, nullptr) {}

AnswerWorker::AnswerWorker(AnswerOptions options, AnswerBackend& backend, Retriever* retriever,
                           KeywordSource* keywords, MultiHop multi_hop, AnswerProbe* probe,
                           const DependencyHealth* llm_health, NoteReducer* reducer)
    : options_(std::move(options)),
      backend_(backend),
      retriever_(retriever),
      keywords_(keywords),
      planner_(multi_hop.planner),
      store_(multi_hop.store),
      probe_(probe),
      llm_health_(llm_health),
      reducer_(reducer) {}

void AnswerWorker::Handle(const kafka::InMessage& message, kafka::Done done) {
  DrainKeywords();
  auto result = envelope::DecodeRelevanceResult(message.value);
  if (!result) return done(result.error());
  if (result->chunk_count == 0 || result->chunk.index >= result->chunk_count) {
    return done(Error::DeadLetter("relevance result: chunk index " +
                                  std::to_string(result->chunk.index) + " outside chunk_count " +
                                  std::to_string(result->chunk_count)));
  }
  // The index is built while the rest of the relevance pass runs, not after it.
  if (retriever_ != nullptr) retriever_->Prefetch(result->task.doc_id);
  auto complete =
      gatherer_.Add(std::move(result.value()), std::move(done), std::chrono::steady_clock::now());
  if (complete) Complete(std::move(*complete));
  if (probe_) probe_->Gathering(gatherer_.gathering());
}

void AnswerWorker::Tick() {
  DrainKeywords();
  DrainRetries();
  for (auto& task :
       gatherer_.TakeExpired(std::chrono::steady_clock::now(), options_.gather_timeout)) {
    Complete(std::move(task));
  }
  if (probe_) probe_->Gathering(gatherer_.gathering());
}

void AnswerWorker::Complete(GatheredTask g) {
  Pending p{std::make_shared<envelope::AnswerRecord>(),
            std::make_shared<std::vector<kafka::Done>>(std::move(g.dones))};
  envelope::AnswerRecord& record = *p.record;
  record.task = g.task;
  record.chunks_total = g.chunk_count;
  const bool global =
      record.task.scope == envelope::Scope::kGlobal && reducer_ != nullptr && retriever_ != nullptr;
  std::vector<Note> notes;  // global reading: every quote, in document order
  std::string judge_backend;
  for (auto& [index, r] : g.results) {
    AddUsage(record.usage, r.usage);
    if (judge_backend.empty()) judge_backend = r.backend;
    switch (r.verdict) {
      case envelope::RelevanceVerdict::kRelevant:
        ++record.chunks_relevant;
        record.evidence.push_back({r.chunk.begin, r.chunk.end, {}});
        if (global) {
          for (const auto& q : r.quotes) notes.push_back({index, {}, q});
        }
        for (auto& q : r.quotes) record.quotes.push_back(std::move(q));
        break;
      case envelope::RelevanceVerdict::kNone:
        break;
      case envelope::RelevanceVerdict::kFailed:
        ++record.chunks_failed;
        break;
      case envelope::RelevanceVerdict::kMalformed:
        ++record.chunks_malformed;
        break;
      case envelope::RelevanceVerdict::kUnjudged:
        ++record.chunks_lost;
        break;
      case envelope::RelevanceVerdict::kNotAsked:
        break;  // level 1: no chunk was to be read
    }
  }
  if (!g.not_asked) record.chunks_lost += g.chunk_count - static_cast<uint32_t>(g.results.size());
  // What the task cost before its reading (the questioner's route call) joins its record;
  // an Lv3 task carries it on through its hops and adds it when it answers.
  if (!(record.task.level == 3 && planner_ != nullptr && store_ != nullptr)) {
    AddUsage(record.usage, record.task.spent);
    record.task.spent = {};
  }
  // The relevant chunks stay in the evidence spans; the record keeps the leading quotes.
  if (const uint32_t cut = envelope::CapQuotes(record.quotes, envelope::kMaxQuoteBytesPerTask)) {
    spdlog::info("task {}: kept the first {} quotes, {} more over {} bytes", record.task.task_id,
                 record.quotes.size(), cut, envelope::kMaxQuoteBytesPerTask);
  }
  if (probe_) probe_->Gathered(record);
  record.backend = judge_backend == backend_.Name() || judge_backend.empty()
                       ? backend_.Name()
                       : "relevance: " + judge_backend + "; answer: " + backend_.Name();

  if (global) return ReadGlobally(std::move(p), std::move(notes));
  if (retriever_ == nullptr) {
    std::vector<std::string> evidence = record.quotes;
    return Ask(p, std::move(evidence));
  }
  const bool lv1 = record.task.level == 1 || record.chunks_relevant == 0;
  if (!lv1 || keywords_ == nullptr) return Retrieve(std::move(p), nullptr);

  // The opening shows the keyword model the document's language; it also builds the
  // document's index here, on the run-loop thread, for the Select that follows.
  auto opening = retriever_->Opening(record.task.doc_id);
  if (!opening) {
    return Retrieve(std::move(p), nullptr);  // Select reports the store's error
  }
  keywords_->Extract(record.task.question, opening.value(),
                     [mailbox = mailbox_, p](Keywords k) mutable {
                       std::lock_guard lock(mailbox->mu);
                       mailbox->ready.emplace_back(std::move(p), std::move(k));
                     });
  DrainKeywords();  // a synchronous source has already answered
}

void AnswerWorker::DrainKeywords() {
  std::vector<std::pair<Pending, Keywords>> ready;
  {
    std::lock_guard lock(mailbox_->mu);
    ready.swap(mailbox_->ready);
  }
  for (auto& [p, k] : ready) Retrieve(std::move(p), &k);
}

void AnswerWorker::DrainRetries() {
  std::vector<AnswerRetry> due;
  {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mailbox_->mu);
    auto& retries = mailbox_->retries;
    const auto waiting = std::partition(retries.begin(), retries.end(),
                                        [now](const AnswerRetry& r) { return r.due > now; });
    std::move(waiting, retries.end(), std::back_inserter(due));
    retries.erase(waiting, retries.end());
  }
  for (auto& r : due) r.again(*this);
}

void AnswerWorker::Retrieve(Pending p, const Keywords* keywords) {
  envelope::AnswerRecord& record = *p.record;
  std::vector<std::string> query = record.quotes;
  if (keywords != nullptr) {
    query.insert(query.end(), keywords->keywords.begin(), keywords->keywords.end());
    if (keywords->information != record.task.question) query.push_back(keywords->information);
    AddUsage(record.usage, keywords->usage);
    if (record.backend.find(keywords->source) == std::string::npos) {
      record.backend += "; keywords: " + keywords->source;
    }
  }
  query.push_back(record.task.question);

  auto passages = retriever_->Select(record.task.doc_id, query);
  if (!passages) {
    // Like a backend error: final for this task (a retry would find it finished).
    (*p.dones)[0](Error::DeadLetter("evidence retrieval: " + passages.error().message));
    for (std::size_t i = 1; i < p.dones->size(); ++i) (*p.dones)[i](kafka::Outputs{});
    return;
  }
  record.evidence.clear();
  std::vector<std::string> evidence;
  evidence.reserve(passages->size());
  for (auto& passage : passages.value()) {
    record.evidence.push_back({passage.begin, passage.end, passage.chapter});
    evidence.push_back(std::move(passage.text));
  }
  Ask(p, std::move(evidence));
}

void AnswerWorker::Ask(const Pending& p, std::vector<std::string> evidence) {
  if (p.record->task.level == 3 && planner_ != nullptr && store_ != nullptr) {
    return Hop(p, std::move(evidence));
  }
  std::vector<std::string> kept = evidence;  // for a retry
  Pending tried = p;
  ++tried.tries;
  backend_.Answer(p.record->task, std::move(evidence),
                  [tried, kept = std::move(kept), mailbox = mailbox_, health = llm_health_](
                      Result<std::string> answer, envelope::LlmUsage usage) mutable {
                    Answered(std::move(tried), std::move(kept), *mailbox, health, std::move(answer),
                             usage);
                  });
}

std::optional<std::chrono::seconds> AnswerWorker::RetryAfter(Pending& tried,
                                                             const DependencyHealth* health) {
  // Counted unless the LLM is down: an outage is waited out, a call that keeps failing
  // on its own is not.
  if (health == nullptr || health->Up()) ++tried.failures;
  if (tried.failures >= kAnswerAttempts) return std::nullopt;
  const int doublings = std::min(std::max(tried.tries - 1, 0), 5);
  return std::chrono::seconds(1) * (1 << doublings);
}

void AnswerWorker::Answered(Pending tried, std::vector<std::string> evidence, Mailbox& mailbox,
                            const DependencyHealth* health, Result<std::string> answer,
                            envelope::LlmUsage usage) {
  const auto& record = tried.record;
  const auto& dones = tried.dones;
  if (!answer && answer.error().disposition == Disposition::kRetry) {
    if (const auto backoff = RetryAfter(tried, health)) {
      spdlog::info("task {}: answer call failed ({}); asking again in {} s", record->task.task_id,
                   answer.error().message, backoff->count());
      std::lock_guard lock(mailbox.mu);
      mailbox.retries.push_back(
          {[p = std::move(tried), evidence = std::move(evidence)](AnswerWorker& worker) mutable {
             worker.Ask(p, std::move(evidence));
           },
           std::chrono::steady_clock::now() + *backoff});
      return;
    }
  }
  if (!answer) {
    // What is left is final. The first message carries it to lf.dlq (a retry of the
    // message would find the task finished and drop it).
    (*dones)[0](Error::DeadLetter("answer backend: " + answer.error().message));
  } else {
    record->answer = std::move(answer.value());
    AddUsage(record->usage, usage);
    (*dones)[0](kafka::Outputs{{kafka::kAnswers, record->task.task_id, envelope::Encode(*record)}});
  }
  for (std::size_t i = 1; i < dones->size(); ++i) (*dones)[i](kafka::Outputs{});
}

}  // namespace longforge::workers
