#pragma once
// Runs the real binaries from tests. run_process() runs one to completion and captures
// its output; ChildProcess starts a server, waits for its "ready" line, and stops it by
// PID (SIGTERM, then SIGKILL) when it goes out of scope, also when a test fails.
#include <sys/types.h>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace nbsync::test {

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal or timed out
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::seconds timeout = std::chrono::seconds(60),
                          const std::map<std::string, std::string>& extra_env = {});

class ChildProcess {
public:
  // Starts argv and reads stdout until a line starting with `ready_prefix` (returned by
  // ready_line()); an empty prefix does not wait. Throws, after stopping the child, when
  // it exits or times out first.
  ChildProcess(const std::vector<std::string>& argv, const std::string& ready_prefix,
               std::chrono::seconds timeout = std::chrono::seconds(60));
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  const std::string& ready_line() const { return m_ready_line; }
  // "key=value" from the ready line.
  std::string ready_value(const std::string& key) const;
  pid_t pid() const { return m_pid; }
  // SIGTERM and wait; returns the exit code (-1 if it had to be killed).
  int stop(std::chrono::seconds grace = std::chrono::seconds(10));
  // What the child wrote to stderr so far (kept in a file).
  std::string stderr_text() const;

private:
  pid_t m_pid = -1;
  int m_stdout_fd = -1;
  std::string m_stderr_path;
  std::string m_ready_line;
};

}  // namespace nbsync::test
