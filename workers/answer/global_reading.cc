// Global reading: a question about the whole document is answered from every note its
// relevance pass took, reduced in document order until the notes fit the answer call.

#include <algorithm>
#include <map>
#include <mutex>

#include <spdlog/spdlog.h>

#include "longforge/llm/usage.h"
#include "workers/answer/answer_worker.h"

namespace longforge::workers {
namespace {

// A group's condensed notes are asked to be at most this short: the budget shared by the
// groups, but never below this many tokens (a few sentences), or notes would be lost to
// the arithmetic rather than to what bears on the question.
constexpr std::size_t kMinGroupTarget = 256;

// One round of reduce calls, shared by their callbacks (LLM client threads).
struct ReduceRound {
  std::mutex mu;
  std::vector<std::vector<Note>> out;  // guarded by mu; by group
  std::optional<Error> error;          // guarded by mu; the first failure
  envelope::LlmUsage usage;            // guarded by mu
  std::size_t pending = 0;             // guarded by mu
};

}  // namespace

void AnswerWorker::ReadGlobally(Pending p, std::vector<Note> notes) {
  envelope::AnswerRecord& record = *p.record;
  record.notes = static_cast<uint32_t>(notes.size());
  // Every relevant chunk's chapter, for its evidence span and its notes.
  std::vector<uint64_t> middles;
  for (const auto& span : record.evidence)
    middles.push_back(span.begin + (span.end - span.begin) / 2);
  auto chapters = retriever_->ChaptersAt(record.task.doc_id, middles);
  if (!chapters) return Finish(p, Error::DeadLetter("global reading: " + chapters.error().message));
  for (std::size_t i = 0; i < record.evidence.size(); ++i) {
    record.evidence[i].chapter = chapters.value()[i];
  }
  // Each note's chapter is where its quote lies (a chunk may cross a heading): the quote
  // is found in its chunk's text (quotes are verbatim: the relevance stage's guard); a
  // note not found there (or whose chunk cannot be read) takes its chunk's chapter.
  // Notes are in chunk order and so are the evidence spans: walk both.
  std::vector<uint64_t> at(notes.size(), UINT64_MAX);
  std::size_t span = 0;
  uint32_t last_chunk = UINT32_MAX;
  std::string chunk_text;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    Note& n = notes[i];
    if (n.chunk != last_chunk && last_chunk != UINT32_MAX) ++span;
    if (span >= record.evidence.size()) break;
    const envelope::EvidenceSpan& where = record.evidence[span];
    if (n.chunk != last_chunk) {
      auto bytes = retriever_->Range(record.task.doc_id, where.begin, where.end);
      chunk_text = bytes ? std::move(bytes.value()) : std::string();
    }
    last_chunk = n.chunk;
    n.chapter = where.chapter;
    if (const std::size_t found = chunk_text.find(n.text); found != std::string::npos) {
      at[i] = where.begin + found;
    }
  }
  std::vector<uint64_t> located;
  for (const uint64_t a : at) {
    if (a != UINT64_MAX) located.push_back(a);
  }
  auto precise = retriever_->ChaptersAt(record.task.doc_id, located);
  if (!precise) return Finish(p, Error::DeadLetter("global reading: " + precise.error().message));
  for (std::size_t i = 0, k = 0; i < notes.size(); ++i) {
    if (at[i] != UINT64_MAX) notes[i].chapter = std::move(precise.value()[k++]);
  }
  ReduceNotes(std::move(p), std::move(notes), 0);
}

void AnswerWorker::ReduceNotes(Pending p, std::vector<Note> notes, uint32_t depth) {
  const text::TokenCounter& counter = retriever_->counter();
  const std::size_t budget = retriever_->options().budget_tokens;
  const uint32_t parts = p.record->chunks_total;
  const std::size_t total = NoteTokens(notes, parts, counter);
  if (total <= budget) {
    p.record->reduce_depth = depth;
    std::vector<std::string> evidence;
    evidence.reserve(notes.size());
    for (const auto& n : notes) evidence.push_back(RenderNote(n, parts));
    return Ask(p, std::move(evidence));
  }
  if (depth >= kMaxReduceDepth) {
    return Finish(
        p, Error::DeadLetter("global reading: the notes are still " + std::to_string(total) +
                             " tokens after " + std::to_string(depth) + " reduce rounds (budget " +
                             std::to_string(budget) + ")"));
  }
  auto groups = GroupNotes(notes, parts, counter, budget);
  const std::size_t target = std::max(kMinGroupTarget, budget / groups.size());
  auto round = std::make_shared<ReduceRound>();
  round->out.resize(groups.size());
  round->pending = groups.size();
  ++p.tries;
  const envelope::Task task = p.record->task;
  // Called once per group, on whichever thread its reply came; the last one goes on.
  auto finished = [this, p, round, depth, total, notes = std::move(notes)](
                      std::size_t i, Result<std::vector<Note>> condensed,
                      envelope::LlmUsage usage) mutable {
    {
      std::lock_guard lock(round->mu);
      llm::AddUsage(round->usage, usage);
      if (condensed) {
        round->out[i] = std::move(condensed.value());
      } else if (!round->error) {
        round->error = condensed.error();
      }
      if (--round->pending > 0) return;
    }
    llm::AddUsage(p.record->usage, round->usage);
    if (round->error) {
      const Error& error = *round->error;
      if (error.disposition == Disposition::kRetry) {
        if (const auto backoff = RetryAfter(p, llm_health_)) {
          spdlog::info("task {}: a reduce call failed ({}); reducing again in {} s",
                       p.record->task.task_id, error.message, backoff->count());
          std::lock_guard lock(mailbox_->mu);
          mailbox_->retries.push_back(
              {[p, notes = std::move(notes), depth](AnswerWorker& worker) mutable {
                 worker.ReduceNotes(std::move(p), std::move(notes), depth);
               },
               std::chrono::steady_clock::now() + *backoff});
          return;
        }
      }
      return Finish(p, Error::DeadLetter("global reading: reduce call: " + error.message));
    }
    std::vector<Note> next;
    for (auto& group : round->out) {
      std::move(group.begin(), group.end(), std::back_inserter(next));
    }
    const std::size_t after = NoteTokens(next, p.record->chunks_total, retriever_->counter());
    if (after >= total) {
      return Finish(
          p, Error::DeadLetter("global reading: a reduce round did not condense the notes (" +
                               std::to_string(total) + " tokens before, " + std::to_string(after) +
                               " after)"));
    }
    ReduceNotes(std::move(p), std::move(next), depth + 1);
  };
  auto shared = std::make_shared<decltype(finished)>(std::move(finished));
  for (std::size_t i = 0; i < groups.size(); ++i) {
    reducer_->Reduce(task, std::move(groups[i]), parts, target,
                     [shared, i](Result<std::vector<Note>> condensed, envelope::LlmUsage usage) {
                       (*shared)(i, std::move(condensed), usage);
                     });
  }
}

}  // namespace longforge::workers
