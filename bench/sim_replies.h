#pragma once
// What the simulated LLM server answers: each stage's reply contract (see the prompts in
// workers/relevance/llm_judge.cc, workers/answer/keywords.cc and llm_answer.cc), made
// plausible without a model. Pure functions of the prompt, so replies are deterministic.

#include <cstddef>
#include <string>
#include <string_view>

namespace longforge::bench {

// Prompt tokens as the simulator counts them: bytes of every message's content / 4
// (rounded up), about what a BPE tokenizer gives for English. Not longforge's estimator.
std::size_t ApproxTokens(std::size_t bytes);

// Relevance: for the passage between <passage> and </passage> and the one or more
// questions after it, NONE unless the passage contains `marker`; then the sentence
// holding the marker, copied verbatim (whitespace runs folded to one space). With
// several questions ("Questions:" then "[k] ..."), one "[k]" block per question.
std::string RelevanceReply(std::string_view user, std::string_view marker);

// Keywords: "INFO: <the question>\nKEYWORDS: <its longer words, comma-separated>".
std::string KeywordsReply(std::string_view user);

// Map: a card whose gist is the passage's first sentence.
std::string MapReply(std::string_view user);

// Route: GLOBAL when the question names the whole work, an order, a change or a count
// over it ("whole", "order", "change", "how many times"), else LOCAL.
std::string RouteReply(std::string_view user);

// Reduce: every other note of the group, as given (so each round halves the notes).
std::string ReduceReply(std::string_view user);

// Answer: one short sentence; it quotes the evidence sentence holding `marker` when
// there is one.
std::string AnswerReply(std::string_view user, std::string_view marker);

}  // namespace longforge::bench

namespace longforge::bench::careful {

// A careful reader, for questions written from one sentence of the document (the
// extractive generator's cloze, who and number questions): it finds the sentences that
// hold most of a question's terms (ASCII words of three or more characters, lower-cased;
// Chinese by character pairs) and answers with the best one. No model: deterministic.

// Relevance: per question, the passage's sentences holding at least 60% of the
// question's terms, copied with whitespace folded; NONE when there is none.
std::string RelevanceReply(std::string_view user);
// Answer: the evidence sentence holding the most of the question's terms when it holds
// at least 60% of them, else NOT IN EVIDENCE.
std::string AnswerReply(std::string_view user);
// Judge: [[YES]] when the candidate states the reference (case, spaces and punctuation
// ignored), else [[NO]].
std::string JudgeReply(std::string_view user);

}  // namespace longforge::bench::careful
