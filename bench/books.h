#pragma once
// The books the micro-benchmarks read, from ../shared/data/books next to the source
// tree. A benchmark whose book is absent reports an error and is skipped.

#include <benchmark/benchmark.h>

#include <string>

namespace longforge::bench {

inline constexpr const char* kWarAndPeace = "en_war_and_peace_pg2600.txt";
inline constexpr const char* kHongloumeng = "zh_hongloumeng.txt";

// The book's bytes, read once per process; empty when absent. Not thread-safe.
const std::string& Book(const std::string& name);

// Points *book at the book; when it is absent, marks the benchmark skipped with an
// error and returns false.
bool Load(benchmark::State& state, const std::string& name, const std::string** book);

}  // namespace longforge::bench
