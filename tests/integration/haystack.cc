#include "haystack.h"

#include <fstream>
#include <iterator>

#include "longforge/text/token_counter.h"

namespace longforge::testing {

std::string BooksDir() { return std::string(LONGFORGE_SOURCE_DIR) + "/../shared/data/books/"; }

std::string Haystack(const std::vector<const char*>& books, std::size_t tokens) {
  std::string joined;
  for (const char* book : books) {
    std::ifstream in(BooksDir() + book, std::ios::binary);
    joined.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto counter = text::MakeEstimator();
  std::string text = joined;
  while (!joined.empty() && counter->Count(text) < tokens) text += joined;
  std::size_t lo = 0, hi = text.size();
  while (lo < hi) {  // longest prefix within the budget
    const std::size_t mid = (lo + hi + 1) / 2;
    if (counter->Count(std::string_view(text).substr(0, mid)) <= tokens) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  const std::size_t cut = text.rfind('\n', lo);
  return text.substr(0, cut == std::string::npos ? lo : cut + 1);
}

std::string Plant(std::string text, const std::string& sentence, double depth) {
  std::size_t at = static_cast<std::size_t>(depth * static_cast<double>(text.size()));
  if (at >= text.size()) return text + "\n\n" + sentence + "\n";
  at = text.rfind('\n', at);
  at = at == std::string::npos ? 0 : at + 1;
  return text.insert(at, "\n" + sentence + "\n\n");
}

}  // namespace longforge::testing
