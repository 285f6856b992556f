#pragma once
// Moves bytes between the direct-tcpip channels of one logged-in SSH session and local
// socketpairs, on one thread of its own: once the pump runs, it is the only thread that
// touches the session (libssh sessions are not thread-safe). Other threads ask it for a
// tunnel through a queue and an eventfd. Channel opens do not block the pump (the session
// is non-blocking), so one slow open does not stall the other tunnels.
#include <chrono>
#include <cstddef>
#include <deque>
#include <future>
#include <list>
#include <mutex>
#include <string>
#include <thread>

struct ssh_session_struct;
struct ssh_channel_struct;
struct ssh_event_struct;

namespace nbsync::backup::detail {

// A tunnel's local end (the caller owns `fd`), or why there is none.
struct TunnelEnd {
  enum class Problem { none, refused, timed_out, session_lost, local };
  int fd = -1;
  Problem problem = Problem::none;
  std::string error;  // the bastion's answer or the session's error; empty when open
};

class TunnelPump {
public:
  // `session` is logged in and must outlive the pump; `open_timeout` bounds each channel open.
  TunnelPump(ssh_session_struct* session, std::chrono::milliseconds open_timeout);
  ~TunnelPump();  // stops the thread and closes every tunnel
  TunnelPump(const TunnelPump&) = delete;
  TunnelPump& operator=(const TunnelPump&) = delete;

  // A direct-tcpip channel to host:port behind a socketpair; blocks until it is open or failed.
  TunnelEnd open(const std::string& host, std::uint16_t port);
  // False once the session to the bastion is gone (every later open fails at once).
  bool alive() const;
  // Why the session is gone (empty while alive).
  std::string failure() const;

private:
  struct Request {
    std::string host;
    std::uint16_t port = 0;
    std::promise<TunnelEnd> answer;
  };
  struct Tunnel;

  void run(std::stop_token stop);
  void take_requests();
  void advance_opening(Tunnel& tunnel);
  void answer_open(Tunnel& tunnel, int code);
  void move_bytes(Tunnel& tunnel);
  void wait();
  void fail_everything(const std::string& why);
  void wake() const;

  ssh_session_struct* m_session;
  ssh_event_struct* m_event;
  std::chrono::milliseconds m_open_timeout;
  int m_wake_fd = -1;
  mutable std::mutex m_mutex;
  std::deque<Request> m_requests;  // guarded by m_mutex
  std::string m_failure;           // guarded by m_mutex
  std::list<Tunnel> m_tunnels;     // pump thread only
  std::jthread m_thread;
};

}  // namespace nbsync::backup::detail
