#pragma once
// What every fuzz target asserts with: a broken property prints what broke and aborts,
// which libFuzzer reports as a crash (and saves the input) and the replay test as a
// failure. Not assert(): it must hold in release builds too.

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                       \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      std::fprintf(stderr, "%s:%d: property broken: %s (%s)\n", __FILE__, __LINE__, what, \
                   #condition);                                                           \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)
