#include "validate.h"

#include "support/programs.h"
#include "support/subprocess.h"

namespace longforge::testing {

std::string ValidatorUnavailable() {
  if (auto missing = MissingPrograms({"/usr/bin/python3"}); !missing.empty()) return missing;
  const auto r = RunCommand({"/usr/bin/python3", "-c", "import jsonschema"});
  if (r.exit_code != 0) {
    return "/usr/bin/python3 cannot import jsonschema: Debian package python3-jsonschema "
           "(ops/packages.txt); run ops/setup.sh";
  }
  return "";
}

int ValidateJsonl(const std::vector<std::string>& files, const std::string& format,
                  std::string& output) {
  const std::string root = LONGFORGE_SOURCE_DIR;
  std::vector<std::string> args = {"/usr/bin/python3", root + "/tests/support/validate_messages.py",
                                   root + "/schemas"};
  if (!format.empty()) {
    args.push_back("--format");
    args.push_back(format);
  }
  args.insert(args.end(), files.begin(), files.end());
  const auto r = RunCommand(args);
  output = r.out + r.err;
  return r.exit_code;
}

}  // namespace longforge::testing
