#include "longforge/envelope/reading.h"

namespace longforge::envelope {

void ReadingTally::Add(uint64_t chunks_total, uint64_t chunks_lost, uint64_t chunks_failed,
                       uint64_t chunks_malformed) {
  chunks += chunks_total;
  lost += chunks_lost;
  failed += chunks_failed;
  malformed += chunks_malformed;
  ++records;
  if (chunks_lost + chunks_failed + chunks_malformed > 0) ++incomplete;
}

std::string ReadingTally::Describe() const {
  const std::string of = " of " + std::to_string(chunks) + " chunks";
  if (unread() == 0) return "none" + of;
  return std::to_string(unread()) + of + " (lost " + std::to_string(lost) + ", failed " +
         std::to_string(failed) + ", malformed " + std::to_string(malformed) + "), in " +
         std::to_string(incomplete) + " of " + std::to_string(records) + " records";
}

}  // namespace longforge::envelope
