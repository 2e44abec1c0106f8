#include "longforge/common/error.h"

namespace longforge {

const char* DispositionName(Disposition d) {
  switch (d) {
    case Disposition::kRetry:
      return "retry";
    case Disposition::kDeadLetter:
      return "dead-letter";
    case Disposition::kStop:
      return "stop";
  }
  return "unknown";
}

}  // namespace longforge
