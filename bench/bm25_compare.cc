// longforge's Bm25Index over a book's ~300-token retrieval chunks, timed, with the
// chunks' terms, the query terms and its top-10 rankings written out so that
// bench/bm25_xapian.py can run Xapian's BM25 on exactly the same input. Prints one JSON
// line of timings (medians over --repetitions).
//
// Chunks come from text::ChunkText with the estimator and terms from text::Analyzer, as
// in the answer stage's Retriever. The 50 queries are 16 terms each, taken from chunks
// spread over the book (as bench/text_bench.cc's BM_Bm25Query50 does): about a question
// plus its keywords.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "longforge/text/analyzer.h"
#include "longforge/text/bm25.h"
#include "longforge/text/chunker.h"
#include "longforge/text/token_counter.h"

namespace {

using namespace longforge::text;
using Terms = std::vector<std::string>;

template <typename F>
double MedianSeconds(int repetitions, F&& f) {
  std::vector<double> s;
  for (int i = 0; i < repetitions; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    s.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(s.begin(), s.end());
  return s[s.size() / 2];
}

void WriteLines(const std::string& path, const std::vector<Terms>& lines) {
  std::ofstream out(path);
  for (const Terms& terms : lines) {
    for (std::size_t i = 0; i < terms.size(); ++i) out << (i > 0 ? " " : "") << terms[i];
    out << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string book_path, out_dir;
  int repetitions = 5;
  std::size_t queries = 50, chunk_tokens = 300, top_k = 10;
  CLI::App app{"Bm25Index over a book's retrieval chunks; exports terms for Xapian"};
  app.add_option("--book", book_path, "UTF-8 text file")->required();
  app.add_option("--out-dir", out_dir, "Where chunks.txt, queries.txt, longforge_top.txt go")
      ->required();
  app.add_option("--repetitions", repetitions, "Timed repetitions (median reported)");
  app.add_option("--queries", queries, "Queries");
  app.add_option("--chunk-tokens", chunk_tokens, "Retrieval chunk size (estimator tokens)");
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(book_path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string book = text.str();
  if (book.empty()) {
    std::fprintf(stderr, "bm25_compare: cannot read %s\n", book_path.c_str());
    return 1;
  }
  const auto counter = MakeEstimator();
  ChunkOptions chunk_options;
  chunk_options.max_tokens = chunk_tokens;
  std::vector<std::string_view> chunks;
  for (const Chunk& c : ChunkText(book, *counter, chunk_options)) {
    chunks.push_back(std::string_view(book).substr(c.begin, c.end - c.begin));
  }

  Analyzer analyzer;
  std::vector<Terms> docs;
  const double analyze_s = MedianSeconds(repetitions, [&] {
    docs.clear();
    for (std::string_view t : chunks) docs.push_back(analyzer.Analyze(t));
  });
  std::vector<Terms> query_terms;
  for (std::size_t q = 0; q < queries; ++q) {
    const Terms& d = docs[q * docs.size() / queries];
    query_terms.emplace_back(
        d.begin(), d.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(16, d.size())));
  }

  std::size_t vocabulary = 0;
  const double index_s = MedianSeconds(repetitions, [&] {
    const Bm25Index index(docs);
    vocabulary = index.vocabulary_size();
  });
  const Bm25Index index(docs);
  std::vector<Terms> rankings;
  const double query_s = MedianSeconds(repetitions, [&] {
    rankings.clear();
    for (const Terms& q : query_terms) {
      Terms top;
      for (const Bm25Hit& h : index.Query(q, top_k)) top.push_back(std::to_string(h.doc));
      rankings.push_back(std::move(top));
    }
  });

  WriteLines(out_dir + "/chunks.txt", docs);
  WriteLines(out_dir + "/queries.txt", query_terms);
  WriteLines(out_dir + "/longforge_top.txt", rankings);
  const nlohmann::json out = {
      {"chunks", docs.size()},  {"vocabulary", vocabulary}, {"queries", query_terms.size()},
      {"analyze_s", analyze_s}, {"index_s", index_s},       {"query_s", query_s}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
