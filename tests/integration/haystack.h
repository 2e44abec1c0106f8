#pragma once
// Long documents for needle tests, made from the books in ../shared/data.

#include <cstddef>
#include <string>
#include <vector>

namespace longforge::testing {

// ../shared/data/books/, beside the repository.
std::string BooksDir();

// `books` (file names in BooksDir()) joined, repeated while shorter than `tokens`
// estimated tokens, and cut to about `tokens` at a line end.
std::string Haystack(const std::vector<const char*>& books, std::size_t tokens);

// `text` with `sentence` inserted as its own paragraph at the line end nearest `depth`
// (0: the start, 1: the end) of its bytes.
std::string Plant(std::string text, const std::string& sentence, double depth);

}  // namespace longforge::testing
