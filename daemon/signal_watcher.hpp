#pragma once
// Turns SIGHUP (reload) and SIGTERM/SIGINT (stop) into events a loop waits for. The
// handlers only set a lock-free flag and write one byte to a non-blocking self-pipe
// (async-signal-safe, errno kept); the rest happens on the caller's thread. One watcher
// at a time; its destructor puts back the handlers that were installed before it.
#include <chrono>
#include <csignal>
#include <string_view>

namespace nbsync::daemon {

enum class SignalEvent { none, reload, stop };

std::string_view to_string(SignalEvent event);

class SignalWatcher {
public:
  // Installs the handlers. Throws std::system_error if the pipe or a handler cannot be
  // set up, std::logic_error if another SignalWatcher exists.
  SignalWatcher();
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // Waits up to `timeout` for a signal and consumes every pending one: stop if any
  // SIGTERM/SIGINT came, else reload if a SIGHUP came, else none (timed out).
  SignalEvent wait(std::chrono::milliseconds timeout);
  // The same without waiting.
  SignalEvent poll_now();
  // Readable (POLLIN) when a signal is pending; for a loop that polls other fds too. Call
  // poll_now() when it is readable.
  int fd() const { return m_read_fd; }

private:
  int m_read_fd = -1;
  int m_write_fd = -1;
  struct sigaction m_previous_hup {};
  struct sigaction m_previous_term {};
  struct sigaction m_previous_int {};
};

}  // namespace nbsync::daemon
