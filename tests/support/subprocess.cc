#include "support/subprocess.h"

#include <errno.h>
#include <string.h>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/programs.h"
#include "support/sanitizer.h"

namespace longforge::testing {
namespace fs = std::filesystem;

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string FreshPath(const std::string& stem) {
  static std::atomic<int> n{0};
  return (fs::temp_directory_path() /
          ("lf-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + "-" + stem))
      .string();
}

}  // namespace

std::unique_ptr<Subprocess> Subprocess::Start(const std::vector<std::string>& argv,
                                              const std::string& stdin_data) {
  // A program the tests run that is not installed fails the test with its package name,
  // and its stderr says the same, instead of an empty output nobody can explain.
  const std::string missing = MissingPrograms({argv.at(0)});
  if (!missing.empty()) ADD_FAILURE() << missing;
  const std::string cannot_run = "longforge tests: cannot run " + argv[0] + ": ";
  auto p = std::unique_ptr<Subprocess>(new Subprocess());
  p->out_path_ = FreshPath("out");
  p->err_path_ = FreshPath("err");
  int in_pipe[2];
  if (::pipe(in_pipe) != 0) return nullptr;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Dies with the test: a test process that ends abruptly (a sanitizer report aborts
    // it, destructors do not run) must not leave its brokers and workers running.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(in_pipe[0], 0);
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    const int out = ::open(p->out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(p->err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    const std::string why = cannot_run + ::strerror(errno) + "\n" + missing + "\n";
    ssize_t n = ::write(2, why.data(), why.size());
    (void)n;
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  if (!stdin_data.empty()) {
    ssize_t n = ::write(in_pipe[1], stdin_data.data(), stdin_data.size());
    (void)n;
  }
  ::close(in_pipe[1]);
  p->pid_ = pid;
  return p;
}

Subprocess::~Subprocess() {
  if (Running()) {
    Signal(SIGKILL);
    Wait(std::chrono::seconds(10));
  }
  std::error_code ec;
  fs::remove(out_path_, ec);
  fs::remove(err_path_, ec);
}

bool Subprocess::Running() {
  if (reaped_ || pid_ <= 0) return false;
  if (::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

int Subprocess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + Stretched(timeout);
  while (Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!reaped_) return -1;
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

void Subprocess::Signal(int sig) {
  if (Running()) ::kill(pid_, sig);
}

std::string Subprocess::Stdout() const { return Slurp(out_path_); }
std::string Subprocess::Stderr() const { return Slurp(err_path_); }

CommandResult RunCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                         const std::string& stdin_data) {
  auto p = Subprocess::Start(argv, stdin_data);
  CommandResult r;
  r.exit_code = p->Wait(timeout);
  if (p->Running()) {
    p->Signal(SIGKILL);
    p->Wait(std::chrono::seconds(5));
  }
  r.out = p->Stdout();
  r.err = p->Stderr();
  return r;
}

std::string LongforgeBinary() { return std::string(LONGFORGE_BINARY_DIR) + "/longforge"; }

std::string TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name =
      info ? std::string(info->test_suite_name()) + "." + info->name() : std::string("test");
  const fs::path dir = fs::path(LONGFORGE_BINARY_DIR) / "test-tmp" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::vector<std::string> ReadLinesFromString(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + Stretched(timeout);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

}  // namespace longforge::testing
