#include "workers/questioner/benchmark_index.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "workers/questioner/question_dedupe.h"

namespace longforge::workers {
namespace {

using Signature = NearDuplicateFilter::Signature;
constexpr uint64_t kWholeSalt = 0x9E3779B97F4A7C15ULL;

// Order-sensitive hash of tokens [begin, begin + n).
uint64_t RunHash(const std::vector<std::string_view>& tokens, std::size_t begin, std::size_t n) {
  uint64_t h = n;
  for (std::size_t i = begin; i < begin + n; ++i) h = MixHash(h ^ TokenHash(tokens[i]));
  return h;
}

// Rows per band: the most (fewest chance candidates) for which an item exactly at the
// threshold still shares a band with the question with probability >= 0.99.
std::size_t RowsFor(double threshold) {
  for (const std::size_t rows : {8, 4, 2}) {
    const double bands = static_cast<double>(NearDuplicateFilter::kHashes / rows);
    const double miss = std::pow(1.0 - std::pow(threshold, static_cast<double>(rows)), bands);
    if (1.0 - miss >= 0.99) return rows;
  }
  return 1;
}

Error BadLine(const std::string& file, std::size_t line, const std::string& why) {
  return Error::Stop("--decontaminate " + file + ":" + std::to_string(line) + ": " + why);
}

}  // namespace

BenchmarkIndex::BenchmarkIndex(double threshold)
    : threshold_(threshold), rows_(RowsFor(threshold)), whole_lengths_(kContaminationNgram) {}

Result<BenchmarkIndex> BenchmarkIndex::Load(const std::vector<std::string>& files,
                                            double threshold) {
  BenchmarkIndex index(threshold);
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error::Stop("--decontaminate " + file + ": cannot be read");
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos) continue;
      std::string item;
      if (line[first] == '{') {
        const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded()) return BadLine(file, number, "not valid JSON");
        const auto q = j.find("question");
        if (q == j.end() || !q->is_string()) {
          return BadLine(file, number, "a JSON line needs a string \"question\"");
        }
        item = q->get<std::string>();
      } else {
        item = line;
      }
      if (NormalizeQuestion(item).empty()) continue;  // punctuation only: nothing to match
      index.Add(file + ":" + std::to_string(number), std::move(item));
    }
    if (in.bad()) return BadLine(file, number + 1, "read error");
  }
  index.Seal();
  return index;
}

uint64_t BenchmarkIndex::BandKey(std::size_t band, const uint64_t* rows) const {
  uint64_t h = MixHash(band + 1);
  for (std::size_t r = 0; r < rows_; ++r) h = MixHash(h ^ rows[r]);
  return h;
}

void BenchmarkIndex::Add(std::string source, std::string item) {
  const auto id = static_cast<uint32_t>(items_.size());
  const std::string norm = NormalizeQuestion(item);
  const auto tokens = QuestionTokens(norm);
  if (tokens.size() >= kContaminationNgram) {
    for (std::size_t i = 0; i + kContaminationNgram <= tokens.size(); ++i) {
      ngrams_.emplace_back(RunHash(tokens, i, kContaminationNgram), id);
    }
  } else {
    wholes_.emplace_back(RunHash(tokens, 0, tokens.size()) ^ kWholeSalt, id);
    whole_lengths_[tokens.size()] = true;
  }
  const Signature sig = NearDuplicateFilter::SignatureOf(item);
  for (std::size_t b = 0; b < sig.size() / rows_; ++b) {
    bands_.emplace_back(BandKey(b, &sig[b * rows_]), id);
  }
  auto numbers = QuestionNumbers(item);
  items_.push_back({std::move(source), std::move(item), std::move(numbers)});
}

void BenchmarkIndex::Seal() {
  for (auto* p : {&ngrams_, &wholes_, &bands_}) std::sort(p->begin(), p->end());
}

std::optional<uint32_t> BenchmarkIndex::Find(const Postings& postings, uint64_t key) {
  const auto it = std::lower_bound(postings.begin(), postings.end(), std::make_pair(key, 0u));
  if (it == postings.end() || it->first != key) return std::nullopt;
  return it->second;
}

std::optional<BenchmarkMatch> BenchmarkIndex::Match(std::string_view question) const {
  const std::string norm = NormalizeQuestion(question);
  const auto tokens = QuestionTokens(norm);
  if (tokens.empty()) return std::nullopt;
  const auto found = [this](uint32_t id, const char* method) {
    return BenchmarkMatch{items_[id].source, items_[id].text, method};
  };
  for (std::size_t i = 0; i + kContaminationNgram <= tokens.size(); ++i) {
    if (const auto id = Find(ngrams_, RunHash(tokens, i, kContaminationNgram))) {
      return found(*id, "ngram");
    }
  }
  // Short items: equal to the whole question, or (6 tokens or more) inside it.
  for (std::size_t n = 1; n < kContaminationNgram && n <= tokens.size(); ++n) {
    if (!whole_lengths_[n] || (n < kMinContainedTokens && n != tokens.size())) continue;
    for (std::size_t i = 0; i + n <= tokens.size(); ++i) {
      if (const auto id = Find(wholes_, RunHash(tokens, i, n) ^ kWholeSalt)) {
        return found(*id, "whole");
      }
    }
  }
  const Signature sig = NearDuplicateFilter::SignatureOf(question);
  const auto numbers = QuestionNumbers(question);
  std::vector<uint32_t> candidates;  // items sharing a band with the question
  for (std::size_t b = 0; b < sig.size() / rows_; ++b) {
    const uint64_t key = BandKey(b, &sig[b * rows_]);
    auto it = std::lower_bound(bands_.begin(), bands_.end(), std::make_pair(key, 0u));
    for (; it != bands_.end() && it->first == key; ++it) candidates.push_back(it->second);
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (const uint32_t id : candidates) {
    // Numbers first: they are cheap to compare and rule out a template's other fillings.
    if (items_[id].numbers == numbers &&
        NearDuplicateFilter::Similarity(sig, NearDuplicateFilter::SignatureOf(items_[id].text)) >=
            threshold_) {
      return found(id, "minhash");
    }
  }
  return std::nullopt;
}

}  // namespace longforge::workers
