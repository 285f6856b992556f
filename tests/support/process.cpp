#include "tests/support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace nbsync::test {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> environment_with(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto name = entry.substr(0, entry.find('='));
    if (extra.find(name) == extra.end()) {
      env.push_back(entry);
    }
  }
  for (const auto& [name, value] : extra) {
    env.push_back(name + "=" + value);
  }
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

pid_t spawn(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd,
            const std::map<std::string, std::string>& extra_env) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
  std::vector<std::string> args = argv;
  std::vector<std::string> env = environment_with(extra_env);
  auto c_args = c_strings(args);
  auto c_env = c_strings(env);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, c_args[0], &actions, nullptr, c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  return pid;
}

// Waits for pid until the deadline; kills it past the deadline. Returns the exit code or -1.
int wait_until(pid_t pid, Clock::time_point deadline) {
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (r < 0) {
      return -1;
    }
    if (Clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string temp_file_path(const char* stem) {
  std::string pattern = std::string("/tmp/") + stem + "-XXXXXX";
  const int fd = mkstemp(pattern.data());
  if (fd < 0) {
    throw std::runtime_error("mkstemp failed");
  }
  close(fd);
  return pattern;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::seconds timeout,
                          const std::map<std::string, std::string>& extra_env) {
  // Files, not pipes: a chatty child can never block on a full pipe while we wait for it.
  const std::string out_path = temp_file_path("nbsync-test-out");
  const std::string err_path = temp_file_path("nbsync-test-err");
  const int out_fd = open(out_path.c_str(), O_WRONLY | O_TRUNC);
  const int err_fd = open(err_path.c_str(), O_WRONLY | O_TRUNC);
  ProcessResult result;
  try {
    const pid_t pid = spawn(argv, out_fd, err_fd, extra_env);
    result.exit_code = wait_until(pid, Clock::now() + timeout);
  } catch (...) {
    close(out_fd);
    close(err_fd);
    throw;
  }
  close(out_fd);
  close(err_fd);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& ready_prefix,
                           std::chrono::seconds timeout) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  m_stderr_path = temp_file_path("nbsync-child-err");
  const int err_fd = open(m_stderr_path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  m_pid = spawn(argv, pipe_fds[1], err_fd, {});
  close(pipe_fds[1]);
  close(err_fd);
  m_stdout_fd = pipe_fds[0];
  if (ready_prefix.empty()) {
    return;
  }

  const auto deadline = Clock::now() + timeout;
  std::string buffer;
  while (true) {
    if (const auto newline = buffer.find('\n'); newline != std::string::npos) {
      std::string line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      if (line.starts_with(ready_prefix)) {
        m_ready_line = line;
        return;
      }
      continue;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd pfd{m_stdout_fd, POLLIN, 0};
    if (left <= 0 || poll(&pfd, 1, static_cast<int>(left)) <= 0) {
      const std::string err = stderr_text();
      stop(std::chrono::seconds(2));
      throw std::runtime_error("timed out waiting for '" + ready_prefix + "' from " + argv[0] + "; stderr: " + err);
    }
    char chunk[4096];
    const ssize_t n = read(m_stdout_fd, chunk, sizeof chunk);
    if (n <= 0) {
      const std::string err = stderr_text();
      stop(std::chrono::seconds(2));
      throw std::runtime_error(argv[0] + " exited before '" + ready_prefix + "'; stderr: " + err);
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

ChildProcess::~ChildProcess() {
  stop();
  if (!m_stderr_path.empty()) {
    unlink(m_stderr_path.c_str());
  }
}

std::string ChildProcess::ready_value(const std::string& key) const {
  std::istringstream words(m_ready_line);
  std::string word;
  while (words >> word) {
    if (word.starts_with(key + "=")) {
      return word.substr(key.size() + 1);
    }
  }
  return {};
}

int ChildProcess::stop(std::chrono::seconds grace) {
  if (m_pid <= 0) {
    return -1;
  }
  kill(m_pid, SIGTERM);
  const int code = wait_until(m_pid, Clock::now() + grace);
  m_pid = -1;
  if (m_stdout_fd >= 0) {
    close(m_stdout_fd);
    m_stdout_fd = -1;
  }
  return code;
}

std::string ChildProcess::stderr_text() const {
  return read_file(m_stderr_path);
}

}  // namespace nbsync::test
