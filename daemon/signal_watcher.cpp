#include "daemon/signal_watcher.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace nbsync::daemon {
namespace {

// Shared with the handlers, so lock-free atomics only (async-signal-safe).
std::atomic<bool> g_active{false};
std::atomic<int> g_write_fd{-1};
std::atomic<bool> g_reload_pending{false};
std::atomic<bool> g_stop_pending{false};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_signal(int signo) {
  const int saved_errno = errno;
  // The flag makes the event itself survive a full pipe; the byte wakes poll().
  if (signo == SIGHUP) {
    g_reload_pending.store(true);
  } else {
    g_stop_pending.store(true);
  }
  const int fd = g_write_fd.load();
  if (fd >= 0) {
    const char byte = static_cast<char>(signo);
    if (::write(fd, &byte, 1) < 0) {
      // EAGAIN: the pipe is full, so the reader is woken anyway.
    }
  }
  errno = saved_errno;
}

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void install(int signo, struct sigaction& previous) {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  if (sigaction(signo, &action, &previous) != 0) {
    throw_errno("signal watcher: sigaction");
  }
}

}  // namespace

std::string_view to_string(SignalEvent event) {
  switch (event) {
    case SignalEvent::none:
      return "none";
    case SignalEvent::reload:
      return "reload";
    case SignalEvent::stop:
      return "stop";
  }
  return "unknown";
}

SignalWatcher::SignalWatcher() {
  bool expected = false;
  if (!g_active.compare_exchange_strong(expected, true)) {
    throw std::logic_error("signal watcher: only one SignalWatcher may exist at a time");
  }
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    g_active.store(false);
    throw_errno("signal watcher: pipe2");
  }
  m_read_fd = fds[0];
  m_write_fd = fds[1];
  g_reload_pending.store(false);
  g_stop_pending.store(false);
  g_write_fd.store(m_write_fd);
  try {
    install(SIGHUP, m_previous_hup);
    install(SIGTERM, m_previous_term);
    install(SIGINT, m_previous_int);
  } catch (...) {
    // Put back whichever handlers were replaced; sigaction() only fails for bad arguments.
    sigaction(SIGHUP, &m_previous_hup, nullptr);
    sigaction(SIGTERM, &m_previous_term, nullptr);
    g_write_fd.store(-1);
    ::close(m_read_fd);
    ::close(m_write_fd);
    g_active.store(false);
    throw;
  }
}

SignalWatcher::~SignalWatcher() {
  sigaction(SIGHUP, &m_previous_hup, nullptr);
  sigaction(SIGTERM, &m_previous_term, nullptr);
  sigaction(SIGINT, &m_previous_int, nullptr);
  g_write_fd.store(-1);
  ::close(m_read_fd);
  ::close(m_write_fd);
  g_reload_pending.store(false);
  g_stop_pending.store(false);
  g_active.store(false);
}

SignalEvent SignalWatcher::poll_now() {
  // Drain the pipe first, then take the flags: a signal arriving in between leaves a byte
  // behind (a harmless extra wake-up), never a flag without a byte.
  char buffer[64];
  while (::read(m_read_fd, buffer, sizeof buffer) > 0) {
  }
  const bool stop = g_stop_pending.exchange(false);
  const bool reload = g_reload_pending.exchange(false);
  if (stop) {
    return SignalEvent::stop;
  }
  return reload ? SignalEvent::reload : SignalEvent::none;
}

SignalEvent SignalWatcher::wait(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (const auto event = poll_now(); event != SignalEvent::none) {
      return event;
    }
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return SignalEvent::none;
    }
    pollfd pfd{m_read_fd, POLLIN, 0};
    const int ready =
        ::poll(&pfd, 1, static_cast<int>(std::min<std::chrono::milliseconds::rep>(left.count(), 1 << 30)));
    if (ready < 0 && errno != EINTR) {
      throw_errno("signal watcher: poll");
    }
  }
}

}  // namespace nbsync::daemon
