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
  // Notes are in chunk order and so are the evidence spans: walk both.
  std::size_t span = 0;
  uint32_t last_chunk = UINT32_MAX;
  for (auto& n : notes) {
    if (n.chunk != last_chunk && last_chunk != UINT32_MAX) ++span;
    last_chunk = n.chunk;
    if (span < record.evidence.size()) n.chapter = record.evidence[span].chapter;
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
