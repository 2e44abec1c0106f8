#pragma once
// Starts and stops the longforge binary (and kcat) from integration tests.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace longforge::testing {

struct CommandResult {
  int exit_code = -1;  // -1: killed by a signal or timed out
  std::string out;
  std::string err;
};

// A child process whose stdout and stderr go to files (read them any time).
class Subprocess {
 public:
  // argv[0] is a path or a name looked up in PATH. `stdin_data` is written to the
  // child's stdin, which is then closed.
  static std::unique_ptr<Subprocess> Start(const std::vector<std::string>& argv,
                                           const std::string& stdin_data = "");
  ~Subprocess();  // SIGKILLs a child still running

  // Exit code, or -1 when killed by a signal or still running after `timeout`
  // (Stretched under sanitizers, as every timeout below).
  int Wait(std::chrono::milliseconds timeout);
  void Signal(int sig);
  bool Running();
  std::string Stdout() const;
  std::string Stderr() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  bool reaped_ = false;
  std::string out_path_, err_path_;
};

// Runs to completion (or kills after `timeout`).
CommandResult RunCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(120),
                         const std::string& stdin_data = "");

// Path of the longforge binary under test.
std::string LongforgeBinary();
// A fresh empty directory under the build tree, named after the running test.
std::string TempDir();
// A loopback TCP port nobody listens on right now.
int FreePort();
// Lines of a file (empty vector when absent).
std::vector<std::string> ReadLines(const std::string& path);
// Non-empty lines of a string.
std::vector<std::string> ReadLinesFromString(const std::string& text);
// True when `needle` occurs in `haystack` (a command's output, say).
inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}
// Polls `condition` every 100 ms until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

}  // namespace longforge::testing
