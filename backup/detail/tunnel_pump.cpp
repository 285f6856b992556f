#include "backup/detail/tunnel_pump.hpp"

#include <fcntl.h>
#include <libssh/libssh.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <vector>

namespace nbsync::backup::detail {
namespace {

constexpr std::size_t k_chunk = 32 * 1024;
constexpr int k_idle_poll_ms = 50;  // also how often open deadlines are checked

void set_non_blocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// libssh says "Channel opening failure: channel 43 error (1) ": the number is RFC 4254's
// reason code, which OpenSSH prints as words.
std::string with_reason(const std::string& error) {
  static const std::array<const char*, 4> k_reasons = {"administratively prohibited", "connect failed",
                                                       "unknown channel type", "resource shortage"};
  const auto at = error.find("error (");
  if (at == std::string::npos || at + 8 >= error.size()) {
    return error;
  }
  const int code = error[at + 7] - '0';
  if (code < 1 || code > 4 || error[at + 8] != ')') {
    return error;
  }
  return error.substr(0, at + 9) + ": " + k_reasons[static_cast<std::size_t>(code - 1)];
}

}  // namespace

// One tunnel as the pump sees it: the channel, the pump's end of the socketpair, and the
// bytes on their way each direction that the other side could not take yet.
struct TunnelPump::Tunnel {
  enum class State { opening, open, done };
  ssh_channel channel = nullptr;
  int fd = -1;    // the pump's end
  int peer = -1;  // the caller's end, until the open is answered
  State state = State::opening;
  std::chrono::steady_clock::time_point deadline;
  std::promise<TunnelEnd> answer;
  std::string to_device;
  std::string to_channel;

  void finish() {
    if (channel != nullptr) {
      if (ssh_channel_is_open(channel) != 0) {
        ssh_channel_close(channel);
      }
      ssh_channel_free(channel);
      channel = nullptr;
    }
    for (int* end : {&fd, &peer}) {
      if (*end >= 0) {
        close(*end);
        *end = -1;
      }
    }
    state = State::done;
  }
  void refuse(TunnelEnd why) {
    answer.set_value(std::move(why));
    finish();
  }
};

TunnelPump::TunnelPump(ssh_session_struct* session, std::chrono::milliseconds open_timeout)
    : m_session(session),
      m_event(ssh_event_new()),
      m_open_timeout(open_timeout),
      m_wake_fd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  ssh_set_blocking(m_session, 0);
  ssh_event_add_session(m_event, m_session);
  m_thread = std::jthread([this](std::stop_token stop) { run(stop); });
}

TunnelPump::~TunnelPump() {
  m_thread.request_stop();
  wake();
  m_thread.join();
  ssh_event_remove_session(m_event, m_session);
  ssh_event_free(m_event);
  close(m_wake_fd);
}

TunnelEnd TunnelPump::open(const std::string& host, std::uint16_t port) {
  std::future<TunnelEnd> answer;
  {
    std::lock_guard lock(m_mutex);
    if (!m_failure.empty()) {
      return TunnelEnd{-1, TunnelEnd::Problem::session_lost, m_failure};
    }
    m_requests.push_back(Request{host, port, {}});
    answer = m_requests.back().answer.get_future();
  }
  wake();
  return answer.get();
}

bool TunnelPump::alive() const {
  std::lock_guard lock(m_mutex);
  return m_failure.empty();
}

std::string TunnelPump::failure() const {
  std::lock_guard lock(m_mutex);
  return m_failure;
}

void TunnelPump::wake() const {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = write(m_wake_fd, &one, sizeof one);
}

void TunnelPump::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    take_requests();
    ssh_event_dopoll(m_event, 0);  // reads what the bastion sent, flushes what is queued
    if (ssh_is_connected(m_session) == 0 || (ssh_get_status(m_session) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0) {
      fail_everything(std::string("the connection to the bastion dropped: ") + ssh_get_error(m_session));
    }
    for (auto& tunnel : m_tunnels) {
      if (tunnel.state == Tunnel::State::opening) {
        advance_opening(tunnel);
      } else if (tunnel.state == Tunnel::State::open) {
        move_bytes(tunnel);
      }
    }
    m_tunnels.remove_if([](const Tunnel& tunnel) { return tunnel.state == Tunnel::State::done; });
    wait();
  }
  fail_everything("the bastion connection was closed");
}

void TunnelPump::take_requests() {
  std::deque<Request> requests;
  {
    std::lock_guard lock(m_mutex);
    requests.swap(m_requests);
  }
  for (auto& request : requests) {
    Tunnel& tunnel = m_tunnels.emplace_back();
    tunnel.answer = std::move(request.answer);
    tunnel.deadline = std::chrono::steady_clock::now() + m_open_timeout;
    std::array<int, 2> ends{-1, -1};
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends.data()) != 0) {
      tunnel.refuse(TunnelEnd{-1, TunnelEnd::Problem::local, "nbsync could not make a socketpair"});
      continue;
    }
    tunnel.fd = ends[0];
    tunnel.peer = ends[1];
    set_non_blocking(tunnel.fd);
    tunnel.channel = ssh_channel_new(m_session);
    if (tunnel.channel == nullptr) {
      tunnel.refuse(
          TunnelEnd{-1, TunnelEnd::Problem::session_lost, std::string("no channel: ") + ssh_get_error(m_session)});
      continue;
    }
    // The originator is what OpenSSH's ssh -W reports too: this end, unknown port.
    answer_open(tunnel, ssh_channel_open_forward(tunnel.channel, request.host.c_str(), request.port, "127.0.0.1", 0));
  }
}

void TunnelPump::advance_opening(Tunnel& tunnel) {
  // The open was sent by take_requests: for a channel that is opening, libssh ignores the
  // destination and only looks for the bastion's answer.
  answer_open(tunnel, ssh_channel_open_forward(tunnel.channel, "", 0, "127.0.0.1", 0));
}

// Hands the caller its end once the channel is open; a refusal while the session lives is
// the bastion's answer (OpenSSH's reason words added), else the session is gone.
void TunnelPump::answer_open(Tunnel& tunnel, int code) {
  if (code == SSH_OK) {
    tunnel.answer.set_value(TunnelEnd{tunnel.peer, TunnelEnd::Problem::none, ""});
    tunnel.peer = -1;  // the caller's now
    tunnel.state = Tunnel::State::open;
  } else if (code == SSH_ERROR && ssh_is_connected(m_session) != 0) {
    tunnel.refuse(TunnelEnd{-1, TunnelEnd::Problem::refused, with_reason(ssh_get_error(m_session))});
  } else if (code == SSH_ERROR) {
    tunnel.refuse(TunnelEnd{-1, TunnelEnd::Problem::session_lost, ssh_get_error(m_session)});
  } else if (std::chrono::steady_clock::now() >= tunnel.deadline) {
    tunnel.refuse(TunnelEnd{-1, TunnelEnd::Problem::timed_out,
                            "no answer to the channel open within " + std::to_string(m_open_timeout.count()) + " ms"});
  }
}

// One round each way: channel to device (the caller's socket), device to channel within
// the channel's window. A closed side ends the tunnel once what it sent is delivered.
void TunnelPump::move_bytes(Tunnel& tunnel) {
  std::array<char, k_chunk> buffer{};
  if (tunnel.to_device.empty()) {
    const int got = ssh_channel_read_nonblocking(tunnel.channel, buffer.data(), buffer.size(), 0);
    if (got > 0) {
      tunnel.to_device.assign(buffer.data(), static_cast<std::size_t>(got));
    }
  }
  if (!tunnel.to_device.empty()) {
    const ssize_t sent = send(tunnel.fd, tunnel.to_device.data(), tunnel.to_device.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      tunnel.to_device.erase(0, static_cast<std::size_t>(sent));
    } else if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      tunnel.finish();  // the device session is gone
      return;
    }
  }
  if (tunnel.to_channel.empty()) {
    const ssize_t got = recv(tunnel.fd, buffer.data(), buffer.size(), 0);
    if (got > 0) {
      tunnel.to_channel.assign(buffer.data(), static_cast<std::size_t>(got));
    } else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      tunnel.finish();  // an SSH client closes its socket whole: nothing more to deliver
      return;
    }
  }
  if (!tunnel.to_channel.empty()) {
    const auto room = std::min<std::size_t>(ssh_channel_window_size(tunnel.channel), tunnel.to_channel.size());
    if (room > 0) {
      const int written = ssh_channel_write(tunnel.channel, tunnel.to_channel.data(), static_cast<uint32_t>(room));
      if (written > 0) {
        tunnel.to_channel.erase(0, static_cast<std::size_t>(written));
      }
    }
  }
  const bool remote_done = ssh_channel_is_eof(tunnel.channel) != 0 || ssh_channel_is_closed(tunnel.channel) != 0;
  if (remote_done && tunnel.to_device.empty() && ssh_channel_poll(tunnel.channel, 0) <= 0) {
    tunnel.finish();
  }
}

// Until the bastion, a caller's socket or a request has something, or the idle poll ends.
void TunnelPump::wait() {
  std::vector<pollfd> watched;
  watched.push_back({m_wake_fd, POLLIN, 0});
  const int flags = ssh_get_poll_flags(m_session);
  watched.push_back(
      {ssh_get_fd(m_session), static_cast<short>(POLLIN | ((flags & SSH_WRITE_PENDING) != 0 ? POLLOUT : 0)), 0});
  bool busy = false;
  for (const auto& tunnel : m_tunnels) {
    if (tunnel.state != Tunnel::State::open) {
      continue;
    }
    short events = tunnel.to_channel.empty() ? POLLIN : 0;
    events = static_cast<short>(events | (tunnel.to_device.empty() ? 0 : POLLOUT));
    // libssh may hold more of the channel's data than one round took: no sleeping then.
    busy = busy || (tunnel.to_device.empty() && ssh_channel_poll(tunnel.channel, 0) > 0);
    watched.push_back({tunnel.fd, events, 0});
  }
  poll(watched.data(), watched.size(), busy ? 0 : k_idle_poll_ms);
  std::uint64_t count = 0;
  [[maybe_unused]] const auto drained = read(m_wake_fd, &count, sizeof count);
}

void TunnelPump::fail_everything(const std::string& why) {
  std::deque<Request> requests;
  {
    std::lock_guard lock(m_mutex);
    if (m_failure.empty()) {
      m_failure = why;
    }
    requests.swap(m_requests);
  }
  for (auto& request : requests) {
    request.answer.set_value(TunnelEnd{-1, TunnelEnd::Problem::session_lost, why});
  }
  for (auto& tunnel : m_tunnels) {
    if (tunnel.state == Tunnel::State::opening) {
      tunnel.refuse(TunnelEnd{-1, TunnelEnd::Problem::session_lost, why});
    } else {
      tunnel.finish();
    }
  }
  m_tunnels.clear();
}

}  // namespace nbsync::backup::detail
