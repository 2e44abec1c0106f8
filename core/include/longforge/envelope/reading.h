#pragma once
// How completely a set of answer records read their documents: the run summary, the
// run report and `longforge stats` all count unread chunks this one way.

#include <cstddef>
#include <cstdint>
#include <string>

namespace longforge::envelope {

struct ReadingTally {
  uint64_t chunks = 0;                           // chunks the records' tasks had to read
  uint64_t lost = 0, failed = 0, malformed = 0;  // unread, by why (see AnswerRecord)
  std::size_t records = 0;                       // records counted
  std::size_t incomplete = 0;                    // records with at least one unread chunk

  void Add(uint64_t chunks_total, uint64_t chunks_lost, uint64_t chunks_failed,
           uint64_t chunks_malformed);
  uint64_t unread() const { return lost + failed + malformed; }
  // "none of 876 chunks" or "67 of 876 chunks (lost 60, failed 5, malformed 2), in 4
  // of 4 records".
  std::string Describe() const;
};

}  // namespace longforge::envelope
