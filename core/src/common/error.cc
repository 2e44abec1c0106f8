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

Status InvalidOptions(std::string_view what, const std::vector<std::string>& problems) {
  if (problems.empty()) return Status::Ok();
  std::string message(what);
  message += ": ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (i > 0) message += "; ";
    message += problems[i];
  }
  return Error::Stop(std::move(message));
}

}  // namespace longforge
