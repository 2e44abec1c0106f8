#pragma once
// Runs tests/support/validate_messages.py (Debian's /usr/bin/python3, which has
// python3-jsonschema) over a JSONL file, for tests that check encoders against
// the topic contracts in schemas/.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace longforge::schema_check {

inline constexpr const char* kPython = "/usr/bin/python3";

// Why schema validation cannot run here, or nullopt when it can. Its packages are in
// ops/packages.txt, so tests fail (not skip) when it cannot.
inline std::optional<std::string> ValidatorUnavailable() {
  if (::access(kPython, X_OK) != 0) {
    return std::string(kPython) + " is not installed: Debian package python3 (ops/packages.txt)";
  }
  const std::string probe = std::string(kPython) + " -c 'import jsonschema' >/dev/null 2>&1";
  if (std::system(probe.c_str()) != 0) {
    return std::string(kPython) +
           " has no jsonschema module (Debian package python3-jsonschema in ops/packages.txt)";
  }
  return std::nullopt;
}

struct ValidatorRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr of the validator
};

// Validates every line of `jsonl`: against the schema each names, or with `format`
// ("messages", "rejected") against schemas/formats/<format>.schema.json.
inline ValidatorRun RunValidator(const std::string& jsonl, const std::string& format = "") {
  const std::string src = LONGFORGE_SOURCE_DIR;
  const std::string out_path = jsonl + ".validator.txt";
  std::string cmd = std::string(kPython) + " '" + src + "/tests/support/validate_messages.py' ";
  if (!format.empty()) cmd += "--format " + format + " ";
  cmd += "'" + src + "/schemas' '" + jsonl + "' >'" + out_path + "' 2>&1";
  ValidatorRun run;
  const int status = std::system(cmd.c_str());
  run.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  std::ifstream in(out_path);
  std::ostringstream text;
  text << in.rdbuf();
  run.output = text.str();
  return run;
}

}  // namespace longforge::schema_check
