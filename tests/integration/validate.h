#pragma once
// Runs tests/support/validate_messages.py (Debian's /usr/bin/python3 with
// python3-jsonschema) on JSONL files.

#include <string>
#include <vector>

namespace longforge::testing {

// Empty when the validator can run; otherwise why not (the test then fails: the
// validator's packages are in ops/packages.txt).
std::string ValidatorUnavailable();
// Exit code 0 = every line valid; `output` gets what the validator printed.
int ValidateJsonl(const std::vector<std::string>& files, const std::string& format,
                  std::string& output);

}  // namespace longforge::testing
