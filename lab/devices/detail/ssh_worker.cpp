#include "lab/devices/detail/ssh_worker.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <queue>
#include <string_view>
#include <unordered_map>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "lab/devices/detail/deadlines.hpp"
#include "lab/devices/detail/late_auth_reply.hpp"
#include "lab/devices/detail/output_pace.hpp"
#include "lab/devices/detail/random.hpp"
#include "lab/devices/detail/site_aaa.hpp"
#include "lab/devices/detail/source_filter.hpp"
#include "lab/devices/detail/timing_report.hpp"
#include "lab/devices/device_shell.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab::detail {

nlohmann::json to_json(const WorkerDevice& d) {
  return {{"id", d.id},
          {"hostname", d.hostname},
          {"platform", static_cast<int>(d.platform)},
          {"ipv4", d.ipv4},
          {"version", d.version},
          {"key_generation", d.key_generation},
          {"secret_generation", d.secret_generation},
          {"faults", d.faults},
          {"kbd", d.keyboard_interactive_only},
          {"only_from", d.only_from},
          {"timing", to_json(d.timing)},
          {"site", d.site},
          {"aaa_logins_per_second", d.aaa_logins_per_second}};
}

WorkerDevice worker_device_from_json(const nlohmann::json& j) {
  WorkerDevice d;
  d.id = j.at("id").get<std::int64_t>();
  d.hostname = j.at("hostname").get<std::string>();
  d.platform = static_cast<Platform>(j.at("platform").get<int>());
  d.ipv4 = j.at("ipv4").get<std::uint32_t>();
  d.only_from = j.at("only_from").get<std::uint32_t>();
  d.version = j.at("version").get<std::uint32_t>();
  d.key_generation = j.at("key_generation").get<std::uint32_t>();
  d.secret_generation = j.at("secret_generation").get<std::uint32_t>();
  d.faults = j.at("faults").get<std::uint32_t>();
  d.keyboard_interactive_only = j.at("kbd").get<bool>();
  d.timing = device_timing_from_json(j.at("timing"));
  d.site = j.at("site").get<std::uint32_t>();
  d.aaa_logins_per_second = j.at("aaa_logins_per_second").get<double>();
  return d;
}

namespace {

using Clock = std::chrono::steady_clock;
// What an fd in the worker's epoll set is: the tag's top byte; its value (a listening or a
// no_banner fd, a session's serial) the rest.
constexpr std::uint64_t k_kind_listener = 1;
constexpr std::uint64_t k_kind_silent = 2;
constexpr std::uint64_t k_kind_session = 3;
constexpr std::uint64_t k_kind_control = 4;
constexpr int k_kind_shift = 56;
constexpr std::uint64_t k_value_mask = (std::uint64_t{1} << k_kind_shift) - 1;
constexpr auto k_sweep_every = std::chrono::seconds(1);   // the checks no event or timer triggers
constexpr int k_reads_per_service = 16;                   // then the session gets another turn
constexpr auto k_login_grace = std::chrono::seconds(60);  // limits the sweep checks: no timer for them
constexpr auto k_close_grace = std::chrono::seconds(5);
constexpr auto k_silent_limit = std::chrono::minutes(10);
constexpr auto k_idle_limit = std::chrono::minutes(15);
constexpr std::size_t k_paced_write = 16 * 1024;          // the smallest write of a paced device (issue 17)
constexpr std::uint32_t k_default_aaa_timeout_ms = 5000;  // IOS's `tacacs-server timeout`

class Worker;

// A session has its own ssh_event (its one socket), polled only when the worker's epoll set
// reports that socket or one of its deadlines passes: a loop turn costs what it serves, not
// a poll over every live session.
struct Session {
  Worker* worker = nullptr;
  std::uint64_t serial = 0;  // its key in Worker::m_sessions and its epoll tag
  ssh_session ssh = nullptr;
  ssh_event event = nullptr;
  bool woken = false;         // in Worker::m_woken
  bool socket_ready = false;  // its socket was reported and not yet drained
  ssh_channel channel = nullptr;
  WorkerDevice device;
  ssh_server_callbacks_struct server_callbacks{};
  ssh_channel_callbacks_struct channel_callbacks{};
  bool authenticated = false;
  std::string kbdint_user;  // INFO_RESPONSE messages carry no user name
  bool pty = false;
  int rows = 24;
  std::unique_ptr<DeviceShell> shell;
  std::string unsent;
  int config_changes_counted = 0;  // of shell->config_changes(), already in the worker's count
  bool closing = false;            // we closed the channel; waiting for the client to go
  bool drop_scheduled = false;
  Clock::time_point created;
  Clock::time_point last_activity;
  Clock::time_point drop_at;
  Clock::time_point close_deadline;
  OutputPace pace;  // the trickle fault, or the timing's output rate
  // Timing (issue 17): a login answered at auth_due; no output before hold_until (think time).
  bool auth_pending = false;
  bool auth_accept = false;
  Clock::time_point auth_due;
  double auth_wait_ms = 0;  // the AAA server's answer time plus any queueing
  Clock::time_point hold_until;
  int config_reads_seen = 0;
  double waited_ms = 0;        // banner, login and think waits so far
  std::size_t rate_bytes = 0;  // bytes sent at the timing's output rate
};

// A connection held before its SSH banner (the timing's banner delay).
struct HeldConnection {
  Clock::time_point due;
  int fd = -1;
  std::int64_t device = 0;
  std::uint32_t site = 0;
  bool operator>(const HeldConnection& o) const { return due > o.due; }
};

class Worker {
public:
  Worker(const WorkerSettings& settings, int control_fd) : m_settings(settings), m_control(control_fd) {}

  // Binds everything; returns "" or an error message (errno in m_bind_errno).
  std::string start(std::vector<WorkerDevice> devices);
  void run();
  void reply(const nlohmann::json& j);
  int bind_errno() const { return m_bind_errno; }

private:
  void read_control();
  void wait_for_events(int timeout_ms);
  void on_epoll_event(std::uint64_t tag);
  static std::uint64_t epoll_tag(std::uint64_t kind, std::uint64_t value) { return (kind << k_kind_shift) | value; }
  static int on_auth_password(ssh_session, const char* user, const char* password, void* userdata);
  static int on_auth_pubkey(ssh_session, const char* user, ssh_key_struct* pubkey, char signature_state,
                            void* userdata);
  static int on_message(ssh_session, ssh_message message, void* userdata);
  static ssh_channel on_channel_open(ssh_session, void* userdata);
  static int on_pty(ssh_session, ssh_channel, const char* term, int width, int height, int pxwidth, int pxheight,
                    void* userdata);
  static int on_shell(ssh_session, ssh_channel, void* userdata);
  static int on_exec(ssh_session, ssh_channel, const char* command, void* userdata);
  static int on_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* userdata);
  static int on_window_change(ssh_session, ssh_channel, int width, int height, int pxwidth, int pxheight,
                              void* userdata);
  static int on_env(ssh_session, ssh_channel, const char*, const char*, void*) { return 0; }
  static void on_channel_close(ssh_session, ssh_channel, void* userdata);

  std::string open_listener(WorkerDevice& device);
  void close_listener(std::int64_t id);
  std::string upsert(const WorkerDevice& device);
  void remove(std::int64_t id);
  void handle_control_message(const std::string& text);
  void accept_from(int listen_fd);
  void accept_one(int fd);
  void start_session(int fd, const WorkerDevice& device, double waited_ms);
  void start_held_connections(Clock::time_point now);
  void take_line(const WorkerDevice& device, std::uint32_t& open_here);
  void release_line(std::int64_t id, std::uint32_t site);
  static bool logins_answered_later(const WorkerDevice& device);
  void answer_login_later(Session& s, bool accept);
  void answer_login(Session& s, bool accept);
  void count_login(Session& s, bool accepted);
  void note_config_reads(Session& s);
  void end_session_accounting(const Session& s);
  ssh_key host_key(const WorkerDevice& device);
  bool credentials_ok(const Session& s, const char* user) const;
  bool key_ok(const Session& s, const char* user, ssh_key key) const;
  // Adds the session's new config changes to the worker's count, as they happen, so that
  // /lab/ssh shows a change while its session still runs.
  void count_config_changes(Session& s);
  void start_shell_object(Session& s);
  void pump(Session& s, Clock::time_point now);
  void wake(std::uint64_t serial);
  void read_input(Session& s);
  bool session_over(Session& s, Clock::time_point now);
  void serve(Session& s, Clock::time_point now);
  void sweep(Clock::time_point now);
  void service(Clock::time_point now);
  void destroy(std::uint64_t serial);
  int poll_timeout_ms(Clock::time_point now);
  nlohmann::json stats() const;

  WorkerSettings m_settings;
  int m_control;
  int m_epoll = -1;
  ssh_bind m_bind = nullptr;
  ssh_key m_authorized = nullptr;
  bool m_stop = false;
  int m_bind_errno = 0;
  std::unordered_map<std::int64_t, WorkerDevice> m_devices;
  std::unordered_map<std::uint32_t, std::int64_t> m_by_address;
  std::unordered_map<std::int64_t, int> m_listeners;  // device id -> fd
  std::map<std::pair<std::int64_t, std::uint32_t>, ssh_key> m_keys;
  std::unordered_map<int, Clock::time_point> m_silent;                     // no_banner connections -> give-up time
  std::unordered_map<std::uint64_t, std::unique_ptr<Session>> m_sessions;  // by serial
  std::uint64_t m_next_serial = 1;
  std::vector<std::uint64_t> m_woken;  // sessions to serve this turn
  Clock::time_point m_next_sweep;
  std::vector<int> m_accepted_fds;
  Deadlines m_deadlines;
  std::priority_queue<HeldConnection, std::vector<HeldConnection>, std::greater<>> m_held;
  std::unordered_map<std::int64_t, std::uint32_t> m_open_per_device;  // sessions and held connections
  std::uint32_t m_peak_per_device = 0;
  std::unordered_map<std::int64_t, std::uint32_t> m_peak_by_device;      // devices that had more than one
  std::unordered_map<std::int64_t, std::uint32_t> m_sessions_by_device;  // sessions started, per device
  struct SiteCounters {
    std::uint64_t logins = 0;
    std::uint64_t aaa_waits = 0;
    std::uint64_t aaa_timeouts = 0;
    std::uint32_t open = 0;  // sessions and held connections now
    std::uint32_t peak = 0;
  };
  std::unordered_map<std::uint32_t, SiteCounters> m_sites;  // by site index
  std::uint64_t m_refused_vty_busy = 0;
  std::uint64_t m_vty_lines_full = 0;
  TimingReport m_timing;
  bool m_debug = std::getenv("NBSYNC_LAB_DEBUG") != nullptr;
  int m_reserve_fd = -1;  // kept free for shedding connections when out of fds
  std::uint64_t m_refused_for_fds = 0;
  std::uint64_t m_accepted = 0;
  std::uint64_t m_logins = 0;
  std::uint64_t m_auth_failures = 0;
  std::uint64_t m_config_reads = 0;
  std::uint64_t m_config_changes = 0;
  std::uint64_t m_dropped_by_client = 0;  // sessions that ended before the device finished
  std::uint64_t m_nonce = 0;
  std::uint64_t m_loop_turns = 0;
  std::uint64_t m_services = 0;  // sessions served, summed over the loop turns
};

Session* session_of(void* userdata) {
  return static_cast<Session*>(userdata);
}

std::string Worker::open_listener(WorkerDevice& device) {
  if ((device.faults & fault_bit(Fault::refuse)) != 0 || device.ipv4 == 0) {
    return {};
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    m_bind_errno = errno;
    return std::string("cannot create a socket for device ") + std::to_string(device.id) + ": " + std::strerror(errno);
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(m_settings.port);
  address.sin_addr.s_addr = htonl(device.ipv4);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 128) != 0) {
    m_bind_errno = errno;
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &address.sin_addr, text, sizeof text);
    std::string message = std::string("cannot listen on ") + text + ":" + std::to_string(m_settings.port) +
                          " for device " + std::to_string(device.id) + ": " + std::strerror(errno);
    ::close(fd);
    return message;
  }
  set_source_filter(fd, device.only_from);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = epoll_tag(k_kind_listener, static_cast<std::uint32_t>(fd));
  ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
  m_listeners[device.id] = fd;
  return {};
}

void Worker::close_listener(std::int64_t id) {
  const auto it = m_listeners.find(id);
  if (it == m_listeners.end()) {
    return;
  }
  ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, it->second, nullptr);
  ::close(it->second);
  m_listeners.erase(it);
}

std::string Worker::upsert(const WorkerDevice& device) {
  const auto it = m_devices.find(device.id);
  if (it != m_devices.end()) {
    const WorkerDevice old = it->second;
    const bool old_listens = m_listeners.count(device.id) != 0;
    const bool new_listens = (device.faults & fault_bit(Fault::refuse)) == 0 && device.ipv4 != 0;
    it->second = device;
    if (old.ipv4 != device.ipv4) {
      m_by_address.erase(old.ipv4);
      if (device.ipv4 != 0) {
        m_by_address[device.ipv4] = device.id;
      }
    }
    if (old_listens && (!new_listens || old.ipv4 != device.ipv4)) {
      close_listener(device.id);
    }
    if (const auto listener = m_listeners.find(device.id); listener != m_listeners.end()) {
      set_source_filter(listener->second, device.only_from);
    }
    if (new_listens && m_listeners.count(device.id) == 0) {
      return open_listener(it->second);
    }
    return {};
  }
  auto& stored = m_devices[device.id] = device;
  if (device.ipv4 != 0) {
    m_by_address[device.ipv4] = device.id;
  }
  return open_listener(stored);
}

void Worker::remove(std::int64_t id) {
  close_listener(id);
  const auto it = m_devices.find(id);
  if (it == m_devices.end()) {
    return;
  }
  m_by_address.erase(it->second.ipv4);
  m_devices.erase(it);
}

std::string Worker::start(std::vector<WorkerDevice> devices) {
  m_reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
  if (m_epoll < 0) {
    return std::string("epoll_create1 failed: ") + std::strerror(errno);
  }
  ssh_init();
  m_bind = ssh_bind_new();
  const int verbosity = SSH_LOG_NOLOG;
  ssh_bind_options_set(m_bind, SSH_BIND_OPTIONS_LOG_VERBOSITY, &verbosity);
  if (!m_settings.authorized_key.empty()) {
    const auto space = m_settings.authorized_key.find(' ');
    const std::string type = m_settings.authorized_key.substr(0, space);
    std::string b64 = space == std::string::npos ? std::string() : m_settings.authorized_key.substr(space + 1);
    b64 = b64.substr(0, b64.find(' '));
    if (ssh_pki_import_pubkey_base64(b64.c_str(), ssh_key_type_from_name(type.c_str()), &m_authorized) != SSH_OK) {
      return "cannot parse the authorized public key '" + type + " ...'";
    }
  }
  epoll_event control{};
  control.events = EPOLLIN;
  control.data.u64 = epoll_tag(k_kind_control, 0);
  ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_control, &control);
  m_devices.reserve(devices.size() * 2);
  m_by_address.reserve(devices.size() * 2);
  m_listeners.reserve(devices.size() * 2);
  for (const auto& d : devices) {
    auto error = upsert(d);
    if (!error.empty()) {
      return error;
    }
  }
  return {};
}

void Worker::reply(const nlohmann::json& j) {
  const std::string text = j.dump();
  while (::send(m_control, text.data(), text.size(), MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

nlohmann::json Worker::stats() const {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  long rss_kb = 0;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) {
      rss_kb = std::stol(line.substr(6));
    }
  }
  const auto ms = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) * 1000.0 + static_cast<double>(tv.tv_usec) / 1000.0;
  };
  std::size_t silent = m_silent.size();
  nlohmann::json peak_by_device = nlohmann::json::object();
  for (const auto& [id, peak] : m_peak_by_device) {
    peak_by_device[std::to_string(id)] = peak;
  }
  nlohmann::json sites = nlohmann::json::object();
  for (const auto& [site, c] : m_sites) {
    sites[std::to_string(site)] = {
        {"logins", c.logins}, {"aaa_waits", c.aaa_waits}, {"aaa_timeouts", c.aaa_timeouts}, {"peak_sessions", c.peak}};
  }
  return {{"pid", ::getpid()},
          {"devices", m_devices.size()},
          {"listeners", m_listeners.size()},
          {"sessions", m_sessions.size()},
          {"silent_connections", silent},
          {"accepted", m_accepted},
          {"logins", m_logins},
          {"auth_failures", m_auth_failures},
          {"config_reads", m_config_reads},
          {"config_changes", m_config_changes},
          {"ended_early", m_dropped_by_client},
          {"dropped_out_of_fds", m_refused_for_fds},
          {"refused_vty_busy", m_refused_vty_busy},
          {"vty_lines_full", m_vty_lines_full},
          {"loop_turns", m_loop_turns},
          {"session_services", m_services},
          {"held_before_banner", m_held.size()},
          {"peak_sessions_per_device", m_peak_per_device},
          {"peak_sessions_by_device", peak_by_device},
          {"sites", sites},
          {"cpu_user_ms", ms(usage.ru_utime)},
          {"cpu_system_ms", ms(usage.ru_stime)},
          {"rss_kb", rss_kb}};
}

void Worker::handle_control_message(const std::string& text) {
  nlohmann::json request;
  try {
    request = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    reply({{"ok", false}, {"error", std::string("bad control message: ") + e.what()}});
    return;
  }
  const std::string op = request.value("op", "");
  if (op == "upsert") {
    std::string first_error;
    for (const auto& j : request.at("devices")) {
      auto error = upsert(worker_device_from_json(j));
      if (!error.empty() && first_error.empty()) {
        first_error = std::move(error);
      }
    }
    if (first_error.empty()) {
      reply({{"ok", true}});
    } else {
      reply({{"ok", false}, {"error", first_error}});
    }
  } else if (op == "remove") {
    for (const auto& id : request.at("ids")) {
      remove(id.get<std::int64_t>());
    }
    reply({{"ok", true}});
  } else if (op == "stats") {
    auto s = stats();
    if (request.value("by_device", false)) {
      nlohmann::json sessions = nlohmann::json::object();
      for (const auto& [id, count] : m_sessions_by_device) {
        sessions[std::to_string(id)] = count;
      }
      s["sessions_by_device"] = std::move(sessions);
    }
    s["ok"] = true;
    reply(s);
  } else if (op == "timing") {
    auto report = m_timing.to_json();
    report["ok"] = true;
    reply(report);
  } else if (op == "timing_reset") {
    m_timing.reset();
    m_peak_per_device = 0;
    reply({{"ok", true}});
  } else if (op == "counters_reset") {
    m_peak_per_device = 0;
    m_peak_by_device.clear();
    m_sessions_by_device.clear();
    for (auto& [site, c] : m_sites) {
      c = SiteCounters{0, 0, 0, c.open, c.open};
    }
    reply({{"ok", true}});
  } else if (op == "stop") {
    reply({{"ok", true}});
    m_stop = true;
  } else {
    reply({{"ok", false}, {"error", "unknown op '" + op + "'"}});
  }
}

void Worker::read_control() {
  std::string buffer(4 * 1024 * 1024, '\0');
  const ssize_t n = ::recv(m_control, buffer.data(), buffer.size(), MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    m_stop = true;  // the parent went away
    return;
  }
  if (n > 0) {
    buffer.resize(static_cast<std::size_t>(n));
    handle_control_message(buffer);
  }
}

// One wait of the loop: the control socket, the listeners and the sessions' sockets are all
// in the worker's epoll set.
void Worker::wait_for_events(int timeout_ms) {
  epoll_event events[128];
  int n = ::epoll_wait(m_epoll, events, 128, timeout_ms);
  while (n > 0) {
    for (int i = 0; i < n; ++i) {
      on_epoll_event(events[i].data.u64);
    }
    n = n == 128 ? ::epoll_wait(m_epoll, events, 128, 0) : 0;
  }
}

void Worker::on_epoll_event(std::uint64_t tag) {
  const auto kind = tag >> k_kind_shift;
  const auto value = tag & k_value_mask;
  const int efd = static_cast<int>(value);
  if (kind == k_kind_session) {
    if (const auto it = m_sessions.find(value); it != m_sessions.end()) {
      it->second->socket_ready = true;
      wake(value);
    }
  } else if (kind == k_kind_control) {
    read_control();
  } else if (kind == k_kind_listener) {
    accept_from(efd);
  } else if (kind == k_kind_silent) {
    char sink[4096];
    const ssize_t r = ::recv(efd, sink, sizeof sink, MSG_DONTWAIT);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
      ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, efd, nullptr);
      ::close(efd);
      m_silent.erase(efd);
    }
  }
}

void Worker::accept_from(int listen_fd) {
  // Sessions start after the loop's wait has handed out its events (run()).
  for (int i = 0; i < 64; ++i) {
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      m_accepted_fds.push_back(fd);
      continue;
    }
    if ((errno == EMFILE || errno == ENFILE) && m_reserve_fd >= 0) {
      // Out of fds: accept with the reserve and drop the connection, so the listener does
      // not stay readable and spin the loop.
      ::close(m_reserve_fd);
      const int dropped = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (dropped >= 0) {
        ::close(dropped);
      }
      m_reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      ++m_refused_for_fds;
    }
    return;
  }
}

ssh_key Worker::host_key(const WorkerDevice& device) {
  std::uint32_t generation = device.key_generation;
  if ((device.faults & fault_bit(Fault::host_key_rotated)) != 0) {
    generation |= k_rotated_generation_flag;
  }
  const auto cache_key = std::make_pair(device.id, generation);
  const auto it = m_keys.find(cache_key);
  if (it != m_keys.end()) {
    return it->second;
  }
  const auto pem = host_key_openssh_private(derive_host_key(m_settings.host_key_secret, device.id, generation));
  ssh_key key = nullptr;
  if (ssh_pki_import_privkey_base64(pem.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
    return nullptr;
  }
  m_keys.emplace(cache_key, key);
  return key;
}

void Worker::accept_one(int fd) {
  ++m_accepted;
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in local{};
  socklen_t length = sizeof local;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
  const auto address = m_by_address.find(ntohl(local.sin_addr.s_addr));
  if (address == m_by_address.end()) {
    ::close(fd);
    return;
  }
  const WorkerDevice& device = m_devices.at(address->second);
  const auto now = Clock::now();
  if ((device.faults & fault_bit(Fault::no_banner)) != 0) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = epoll_tag(k_kind_silent, static_cast<std::uint32_t>(fd));
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
    m_silent[fd] = now + k_silent_limit;
    return;
  }
  // All vty lines busy: IOS refuses the TCP connection, so the listener closes until a line
  // is free again (release_line); connections accepted before that close before the banner.
  std::uint32_t& open_here = m_open_per_device[device.id];
  if (device.timing.vty_lines != 0 && open_here >= device.timing.vty_lines) {
    ::close(fd);
    ++m_refused_vty_busy;
    return;
  }
  take_line(device, open_here);
  if (device.timing.vty_lines != 0 && open_here == device.timing.vty_lines) {
    close_listener(device.id);
    ++m_vty_lines_full;
  }
  if (device.timing.banner_ms != 0) {
    const auto due = now + std::chrono::milliseconds(device.timing.banner_ms);
    m_held.push({due, fd, device.id, device.site});
    m_deadlines.add(due);
    return;
  }
  start_session(fd, device, 0);
}

// A session (or a connection held before its banner) starts on the device: the peaks.
void Worker::take_line(const WorkerDevice& device, std::uint32_t& open_here) {
  ++m_sessions_by_device[device.id];
  m_peak_per_device = std::max(m_peak_per_device, ++open_here);
  if (open_here > 1) {
    auto& peak = m_peak_by_device[device.id];
    peak = std::max(peak, open_here);
  }
  auto& site = m_sites[device.site];
  site.peak = std::max(site.peak, ++site.open);
}

void Worker::release_line(std::int64_t id, std::uint32_t site) {
  --m_sites[site].open;
  const std::uint32_t open_here = --m_open_per_device[id];
  const auto device = m_devices.find(id);
  if (device != m_devices.end() && device->second.timing.vty_lines != 0 &&
      open_here < device->second.timing.vty_lines && m_listeners.count(id) == 0) {
    open_listener(device->second);  // a failure leaves the device refusing, as under `refuse`
  }
}

void Worker::start_held_connections(Clock::time_point now) {
  while (!m_held.empty() && m_held.top().due <= now) {
    const HeldConnection held = m_held.top();
    m_held.pop();
    const auto device = m_devices.find(held.device);
    if (device == m_devices.end()) {
      ::close(held.fd);
      release_line(held.device, held.site);
      continue;
    }
    start_session(held.fd, device->second, device->second.timing.banner_ms);
  }
}

// Key exchange and the session's callbacks; `waited_ms`: the banner delay it had.
void Worker::start_session(int fd, const WorkerDevice& device, double waited_ms) {
  const auto now = Clock::now();
  ssh_key key = host_key(device);
  if (key == nullptr) {
    ::close(fd);
    release_line(device.id, device.site);
    return;
  }
  ssh_bind_options_set(m_bind, SSH_BIND_OPTIONS_IMPORT_KEY, ssh_key_dup(key));
  auto s = std::make_unique<Session>();
  s->worker = this;
  s->device = device;
  s->created = s->last_activity = now;
  s->waited_ms = waited_ms;
  s->ssh = ssh_new();
  if (ssh_bind_accept_fd(m_bind, s->ssh, fd) != SSH_OK) {
    if (ssh_get_fd(s->ssh) != fd) {
      ::close(fd);
    }
    ssh_free(s->ssh);
    release_line(device.id, device.site);
    return;
  }
  ssh_set_blocking(s->ssh, 0);
  ssh_callbacks_init(&s->server_callbacks);
  s->server_callbacks.userdata = s.get();
  if (!logins_answered_later(device)) {  // otherwise on_message takes the login and answers later
    s->server_callbacks.auth_password_function = &Worker::on_auth_password;
    s->server_callbacks.auth_pubkey_function = &Worker::on_auth_pubkey;
  }
  s->server_callbacks.channel_open_request_session_function = &Worker::on_channel_open;
  ssh_set_server_callbacks(s->ssh, &s->server_callbacks);
  ssh_set_message_callback(s->ssh, &Worker::on_message, s.get());
  if (device.keyboard_interactive_only) {
    ssh_set_auth_methods(s->ssh, SSH_AUTH_METHOD_INTERACTIVE);
  } else {
    ssh_set_auth_methods(s->ssh, SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY | SSH_AUTH_METHOD_INTERACTIVE);
  }
  if (ssh_handle_key_exchange(s->ssh) == SSH_ERROR) {
    ssh_free(s->ssh);
    release_line(device.id, device.site);
    return;
  }
  // Edge-triggered: a wake-up when data arrives or the socket takes writes again; each
  // service reads until the socket is drained (read_input).
  s->serial = m_next_serial++;
  s->event = ssh_event_new();
  ssh_event_add_session(s->event, s->ssh);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = epoll_tag(k_kind_session, s->serial);
  ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, ssh_get_fd(s->ssh), &ev);
  s->socket_ready = true;  // the client's banner may be there already
  const std::uint64_t serial = s->serial;
  m_sessions.emplace(serial, std::move(s));
  wake(serial);
}

void Worker::count_config_changes(Session& s) {
  const int changes = s.shell->config_changes();
  m_config_changes += static_cast<std::uint64_t>(changes - s.config_changes_counted);
  s.config_changes_counted = changes;
}

bool Worker::credentials_ok(const Session& s, const char* user) const {
  if ((s.device.faults & fault_bit(Fault::wrong_password)) != 0 || user == nullptr) {
    return false;
  }
  std::string_view name = user;
  if (platform_sim(s.device.platform).login_options_in_user_name()) {
    name = name.substr(0, name.find('+'));
  }
  return m_settings.user == name;
}

bool Worker::key_ok(const Session& s, const char* user, ssh_key key) const {
  return !s.device.keyboard_interactive_only && m_authorized != nullptr && credentials_ok(s, user) &&
         ssh_key_cmp(key, m_authorized, SSH_KEY_CMP_PUBLIC) == 0;
}

void Worker::count_login(Session& s, bool accepted) {
  if (accepted) {
    s.authenticated = true;
    ++m_logins;
    ++m_sites[s.device.site].logins;
  } else {
    ++m_auth_failures;
  }
}

// Devices answered at once (no timing, no AAA limit): libssh's callbacks answer logins.
int Worker::on_auth_password(ssh_session, const char* user, const char* password, void* userdata) {
  Session& s = *session_of(userdata);
  Worker& w = *s.worker;
  const bool ok = !s.device.keyboard_interactive_only && w.credentials_ok(s, user) && password != nullptr &&
                  w.m_settings.password == password;
  w.count_login(s, ok);
  return ok ? SSH_AUTH_SUCCESS : SSH_AUTH_DENIED;
}

int Worker::on_auth_pubkey(ssh_session, const char* user, ssh_key_struct* pubkey, char signature_state,
                           void* userdata) {
  Session& s = *session_of(userdata);
  Worker& w = *s.worker;
  if (!w.key_ok(s, user, pubkey)) {
    if (signature_state != SSH_PUBLICKEY_STATE_NONE) {
      ++w.m_auth_failures;
    }
    return SSH_AUTH_DENIED;
  }
  if (signature_state == SSH_PUBLICKEY_STATE_NONE) {
    return SSH_AUTH_SUCCESS;  // "this key would do": the client signs next
  }
  w.count_login(s, signature_state == SSH_PUBLICKEY_STATE_VALID);
  return signature_state == SSH_PUBLICKEY_STATE_VALID ? SSH_AUTH_SUCCESS : SSH_AUTH_DENIED;
}

// Devices whose logins wait for the AAA server (timing or an AAA rate) get every login
// request here; so does keyboard-interactive on every device.
int Worker::on_message(ssh_session session, ssh_message message, void* userdata) {
  Session& s = *session_of(userdata);
  Worker& w = *s.worker;
  if (ssh_message_type(message) != SSH_REQUEST_AUTH) {
    return 1;  // default reply (refusal)
  }
  const int method = ssh_message_subtype(message);
  if (method == SSH_AUTH_METHOD_PASSWORD) {
    const char* password = login_password(message);
    w.answer_login_later(s, !s.device.keyboard_interactive_only &&
                                w.credentials_ok(s, ssh_message_auth_user(message)) && password != nullptr &&
                                w.m_settings.password == password);
    return 0;
  }
  if (method == SSH_AUTH_METHOD_PUBLICKEY) {
    // The key is checked on the device; the login then waits for the AAA server's
    // authorization like a password login (IOS: `aaa authorization exec` by TACACS+).
    const bool ok = w.key_ok(s, ssh_message_auth_user(message), login_public_key(message));
    const int state = login_public_key_state(message);
    if (ok && state == SSH_PUBLICKEY_STATE_NONE) {
      ssh_message_auth_reply_pk_ok_simple(message);
      return 0;
    }
    if (ok && state == SSH_PUBLICKEY_STATE_VALID) {
      w.answer_login_later(s, true);
      return 0;
    }
    if (state != SSH_PUBLICKEY_STATE_NONE) {
      ++w.m_auth_failures;
    }
    return 1;
  }
  if (method != SSH_AUTH_METHOD_INTERACTIVE) {
    return 1;
  }
  if (!ssh_message_auth_kbdint_is_response(message)) {
    const char* user = ssh_message_auth_user(message);
    s.kbdint_user = user != nullptr ? user : "";
    const char* prompts[] = {"Password: "};
    char echo[] = {0};
    ssh_message_auth_interactive_request(message, "", "", 1, prompts, echo);
    return 0;
  }
  const char* answer =
      ssh_userauth_kbdint_getnanswers(session) == 1 ? ssh_userauth_kbdint_getanswer(session, 0) : nullptr;
  const bool accept =
      w.credentials_ok(s, s.kbdint_user.c_str()) && answer != nullptr && w.m_settings.password == answer;
  if (logins_answered_later(s.device)) {
    w.answer_login_later(s, accept);
    return 0;
  }
  w.count_login(s, accept);
  if (accept) {
    ssh_message_auth_reply_success(message, 0);
    return 0;
  }
  return 1;
}

ssh_channel Worker::on_channel_open(ssh_session session, void* userdata) {
  Session& s = *session_of(userdata);
  if (!s.authenticated || s.channel != nullptr) {
    return nullptr;
  }
  s.channel = ssh_channel_new(session);
  if (s.channel == nullptr) {
    return nullptr;
  }
  ssh_callbacks_init(&s.channel_callbacks);
  s.channel_callbacks.userdata = &s;
  s.channel_callbacks.channel_pty_request_function = &Worker::on_pty;
  s.channel_callbacks.channel_shell_request_function = &Worker::on_shell;
  s.channel_callbacks.channel_exec_request_function = &Worker::on_exec;
  s.channel_callbacks.channel_data_function = &Worker::on_data;
  s.channel_callbacks.channel_pty_window_change_function = &Worker::on_window_change;
  s.channel_callbacks.channel_env_request_function = &Worker::on_env;
  s.channel_callbacks.channel_close_function = &Worker::on_channel_close;
  ssh_set_channel_callbacks(s.channel, &s.channel_callbacks);
  return s.channel;
}

int Worker::on_pty(ssh_session, ssh_channel, const char*, int, int height, int, int, void* userdata) {
  Session& s = *session_of(userdata);
  s.pty = true;
  s.rows = height > 1 ? height : 24;
  return 0;
}

int Worker::on_window_change(ssh_session, ssh_channel, int, int height, int, int, void* userdata) {
  Session& s = *session_of(userdata);
  if (height > 1) {
    s.rows = height;
  }
  return 0;
}

void Worker::start_shell_object(Session& s) {
  ShellOptions o;
  o.platform = s.device.platform;
  o.hostname = s.device.hostname;
  o.user = m_settings.user;
  o.enable_secret = m_settings.enable_secret;
  o.seed = m_settings.seed;
  o.id = s.device.id;
  o.version = s.device.version;
  o.secret_generation = s.device.secret_generation;
  o.faults = s.device.faults;
  o.pty = s.pty;
  o.terminal_rows = s.rows;
  o.boot_time =
      m_settings.boot_time -
      static_cast<std::time_t>(mix({m_settings.seed, static_cast<std::uint64_t>(s.device.id), 0xb007ULL}) % 7776000);
  o.read_nonce = mix({m_settings.seed, static_cast<std::uint64_t>(::getpid()), ++m_nonce});
  s.shell = std::make_unique<DeviceShell>(std::move(o));
  const auto now = Clock::now();
  if ((s.device.faults & fault_bit(Fault::trickle)) != 0) {
    const auto bytes = static_cast<double>(m_settings.trickle_bytes);
    s.pace = OutputPace(bytes * 1000.0 / m_settings.trickle_interval_ms, bytes, now, Deadlines::k_slack);
  } else if (s.device.timing.output_bytes_per_s != 0) {
    // Writes of at least k_paced_write bytes (few loop turns), at the device's average rate.
    const double rate = s.device.timing.output_bytes_per_s;
    s.pace = OutputPace(rate, std::max<double>(k_paced_write, rate / 10), now, Deadlines::k_slack);
  }
}

// A config read that just started holds the output for the device's think time.
void Worker::note_config_reads(Session& s) {
  if (s.shell->config_reads() == s.config_reads_seen) {
    return;
  }
  s.config_reads_seen = s.shell->config_reads();
  const std::uint32_t think = s.device.timing.think_ms_for(s.shell->last_config_bytes());
  if (think != 0) {
    s.hold_until = Clock::now() + std::chrono::milliseconds(think);
    s.waited_ms += think;
    m_deadlines.add(s.hold_until, s.serial);
  }
}

bool Worker::logins_answered_later(const WorkerDevice& device) {
  return device.timing.auth_ms != 0 || device.aaa_logins_per_second > 0;
}

// The AAA server's delay and its site's queue: the answer, decided now, goes out from
// serve() at auth_due. A login the AAA server does not answer in time fails at the timeout.
void Worker::answer_login_later(Session& s, bool accept) {
  const auto now = Clock::now();
  const std::uint32_t timeout_ms =
      s.device.timing.aaa_timeout_ms != 0 ? s.device.timing.aaa_timeout_ms : k_default_aaa_timeout_ms;
  const SiteAaaTurns::Answer answer =
      m_settings.aaa_turns != nullptr
          ? m_settings.aaa_turns->ask(s.device.site, s.device.aaa_logins_per_second, now,
                                      std::chrono::milliseconds(s.device.timing.auth_ms),
                                      std::chrono::milliseconds(timeout_ms))
          : SiteAaaTurns::Answer{now + std::chrono::milliseconds(s.device.timing.auth_ms), false, false};
  auto& site = m_sites[s.device.site];
  site.aaa_waits += answer.waited ? 1 : 0;
  site.aaa_timeouts += answer.timed_out ? 1 : 0;
  s.auth_pending = true;
  s.auth_accept = accept && !answer.timed_out;
  s.auth_due = answer.at;
  s.auth_wait_ms = std::chrono::duration<double, std::milli>(answer.at - now).count();
  m_deadlines.add(s.auth_due, s.serial);
}

void Worker::answer_login(Session& s, bool accept) {
  s.auth_pending = false;
  s.waited_ms += s.auth_wait_ms;
  reply_to_login_later(s.ssh, accept);
  count_login(s, accept);
}

void Worker::end_session_accounting(const Session& s) {
  release_line(s.device.id, s.device.site);
  if (s.config_reads_seen == 0 || s.device.timing.instant()) {
    return;
  }
  double waited = s.waited_ms;
  if (s.device.timing.output_bytes_per_s != 0) {
    waited += 1000.0 * static_cast<double>(s.rate_bytes) / s.device.timing.output_bytes_per_s;
  }
  m_timing.add(s.device.platform, s.device.id, waited);
}

int Worker::on_shell(ssh_session, ssh_channel, void* userdata) {
  Session& s = *session_of(userdata);
  if (s.shell) {
    return 1;
  }
  s.worker->start_shell_object(s);
  s.shell->start_shell();
  s.worker->note_config_reads(s);
  return 0;
}

int Worker::on_exec(ssh_session, ssh_channel, const char* command, void* userdata) {
  Session& s = *session_of(userdata);
  // Some platforms run a command given as an SSH exec request (IOS, EOS); the others refuse.
  if (s.shell || command == nullptr || !platform_sim(s.device.platform).runs_exec()) {
    return 1;
  }
  s.worker->start_shell_object(s);
  s.shell->start_exec(command);
  s.worker->note_config_reads(s);
  return 0;
}

int Worker::on_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* userdata) {
  Session& s = *session_of(userdata);
  if (is_stderr == 0 && s.shell) {
    s.shell->feed(std::string_view(static_cast<const char*>(data), len));
    s.worker->note_config_reads(s);
    s.worker->count_config_changes(s);
  }
  s.last_activity = Clock::now();
  return static_cast<int>(len);
}

void Worker::on_channel_close(ssh_session, ssh_channel, void* userdata) {
  Session& s = *session_of(userdata);
  if (!s.closing) {
    s.closing = true;
    s.close_deadline = Clock::now() + k_close_grace;  // the sweep ends it then
  }
}

void Worker::pump(Session& s, Clock::time_point now) {
  if (s.channel == nullptr || !s.shell || s.closing || s.drop_scheduled || ssh_channel_is_closed(s.channel) ||
      now < s.hold_until) {
    return;
  }
  std::size_t budget = s.pace.allowance(now, ssh_channel_window_size(s.channel));
  const bool pending = !s.unsent.empty() || s.shell->has_output();
  if (pending && budget == 0) {
    // Output that came while the pace holds it waits for its turn; a full window waits for
    // the client's window adjust instead (a packet: the session's socket wakes it).
    if (now < s.pace.next_write()) {
      m_deadlines.add(s.pace.next_write(), s.serial);
    }
    return;
  }
  if (!pending && s.shell->end() == DeviceShell::End::none) {
    return;
  }
  if (!pending && s.shell->end() == DeviceShell::End::hang) {
    return;
  }
  // ssh_channel_write and ssh_channel_send_eof end with a flush that polls the session's
  // poll context once: its own ssh_event, so no other session's callbacks run in there.
  bool wrote = false;
  std::size_t sent = 0;
  while (budget > 0) {
    if (s.unsent.empty()) {
      s.unsent = s.shell->take_output(std::min<std::size_t>(budget, 64 * 1024));
      count_config_changes(s);  // typed-ahead commands run as the output before them drains
      if (s.unsent.empty()) {
        break;
      }
    }
    const std::size_t n = std::min(budget, s.unsent.size());
    const int written = ssh_channel_write(s.channel, s.unsent.data(), static_cast<uint32_t>(n));
    if (written <= 0) {
      break;
    }
    wrote = true;
    sent += static_cast<std::size_t>(written);
    s.unsent.erase(0, static_cast<std::size_t>(written));
    budget -= static_cast<std::size_t>(written);
    if (static_cast<std::size_t>(written) < n) {
      break;
    }
  }
  if (wrote) {
    s.last_activity = now;
  }
  if (s.pace.paced() && wrote) {
    s.rate_bytes += sent;
    const auto next = s.pace.spent(sent, !s.unsent.empty() || s.shell->has_output(), now);
    if (next != Clock::time_point{}) {
      m_deadlines.add(next, s.serial);
    }
  }
  if (s.unsent.empty() && !s.shell->has_output()) {
    switch (s.shell->end()) {
      case DeviceShell::End::close:
      case DeviceShell::End::exec_done:
        m_config_reads += static_cast<std::uint64_t>(s.shell->config_reads());
        ssh_channel_request_send_exit_status(s.channel,
                                             s.shell->end() == DeviceShell::End::close ? 0 : s.shell->exit_status());
        ssh_channel_send_eof(s.channel);
        ssh_channel_close(s.channel);
        s.closing = true;
        s.close_deadline = now + k_close_grace;  // the sweep ends it then
        break;
      case DeviceShell::End::drop:
        s.drop_scheduled = true;
        s.drop_at = now + std::chrono::milliseconds(200);
        m_deadlines.add(s.drop_at, s.serial);
        break;
      case DeviceShell::End::hang:
      case DeviceShell::End::none:
        break;
    }
  }
}

void Worker::destroy(std::uint64_t serial) {
  const auto it = m_sessions.find(serial);
  Session& s = *it->second;
  if (s.shell && s.shell->end() != DeviceShell::End::close && s.shell->end() != DeviceShell::End::exec_done) {
    m_config_reads += static_cast<std::uint64_t>(s.shell->config_reads());
  }
  end_session_accounting(s);
  if (const int fd = ssh_get_fd(s.ssh); fd >= 0) {
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
  }
  ssh_event_remove_session(s.event, s.ssh);
  ssh_event_free(s.event);
  ssh_free(s.ssh);
  m_sessions.erase(it);
}

void Worker::wake(std::uint64_t serial) {
  const auto it = m_sessions.find(serial);
  if (it != m_sessions.end() && !it->second->woken) {
    it->second->woken = true;
    m_woken.push_back(serial);
  }
}

// Lets libssh read what the socket holds (and write what it has buffered). The epoll
// registration is edge-triggered: a socket not drained now would not be reported again.
// A session woken only by its deadline has nothing to read: no poll for it.
void Worker::read_input(Session& s) {
  if (!s.socket_ready) {
    return;
  }
  s.socket_ready = false;
  for (int i = 0; i < k_reads_per_service; ++i) {
    if (ssh_event_dopoll(s.event, 0) != SSH_OK) {
      return;  // nothing more to do (SSH_AGAIN), or its socket is gone (SSH_ERROR)
    }
  }
  s.socket_ready = true;
  wake(s.serial);  // more may wait: again next turn
}

// Whether the session ends now: its client went, or one of its time limits passed.
bool Worker::session_over(Session& s, Clock::time_point now) {
  const int status = ssh_get_status(s.ssh);
  bool over = (status & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0;
  if (over && s.channel != nullptr && !s.closing) {
    ++m_dropped_by_client;
    if (m_debug) {
      std::fprintf(
          stderr, "nbsync-lab worker %d: session of device %lld ended early: status %d, error '%s', %zu bytes unsent\n",
          static_cast<int>(::getpid()), static_cast<long long>(s.device.id), status, ssh_get_error(s.ssh),
          s.unsent.size());
    }
  }
  if (!over && s.drop_scheduled && now >= s.drop_at) {
    ::shutdown(ssh_get_fd(s.ssh), SHUT_RDWR);
    over = true;
  }
  return over || (!s.authenticated && now - s.created > k_login_grace) || (s.closing && now >= s.close_deadline) ||
         now - s.last_activity > k_idle_limit;
}

// A session whose socket was reported or whose deadline passed. A thinking session is left
// alone until its think time ends (a deadline wakes it): its client's packets wait.
void Worker::serve(Session& s, Clock::time_point now) {
  if (now < s.hold_until) {
    return;
  }
  ++m_services;
  read_input(s);
  if (session_over(s, now)) {
    destroy(s.serial);
    return;
  }
  if (s.auth_pending && now >= s.auth_due) {
    answer_login(s, s.auth_accept);
  }
  pump(s, now);
}

// Once a second: the limits no event or deadline reports (idle sessions, silent connections).
void Worker::sweep(Clock::time_point now) {
  std::vector<std::uint64_t> over;
  for (auto& [serial, s] : m_sessions) {
    if (now >= s->hold_until && session_over(*s, now)) {
      over.push_back(serial);
    }
  }
  for (const auto serial : over) {
    destroy(serial);
  }
  for (auto it = m_silent.begin(); it != m_silent.end();) {
    if (now >= it->second) {
      ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, it->first, nullptr);
      ::close(it->first);
      it = m_silent.erase(it);
    } else {
      ++it;
    }
  }
}

void Worker::service(Clock::time_point now) {
  m_deadlines.pass(now, [this](std::uint64_t serial) { wake(serial); });
  std::vector<std::uint64_t> woken;
  woken.swap(m_woken);
  for (const auto serial : woken) {
    const auto it = m_sessions.find(serial);
    if (it != m_sessions.end()) {
      it->second->woken = false;
      serve(*it->second, now);
    }
  }
  if (now >= m_next_sweep) {
    sweep(now);
    m_next_sweep = now + k_sweep_every;
  }
}

int Worker::poll_timeout_ms(Clock::time_point now) {
  m_deadlines.forget_gone([this](std::uint64_t serial) { return m_sessions.count(serial) != 0; });
  return m_woken.empty() ? m_deadlines.timeout_ms(now, 500) : 0;
}

void Worker::run() {
  while (!m_stop) {
    wait_for_events(poll_timeout_ms(Clock::now()));
    ++m_loop_turns;
    for (const int fd : m_accepted_fds) {
      accept_one(fd);
    }
    m_accepted_fds.clear();
    const auto now = Clock::now();
    start_held_connections(now);
    service(now);
  }
}

}  // namespace

void run_worker(const WorkerSettings& settings, std::vector<WorkerDevice> devices, int control_fd, pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) {
    ::_exit(3);  // the parent died before prctl took effect
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGHUP, SIG_DFL);
  auto worker = std::make_unique<Worker>(settings, control_fd);
  const std::string error = worker->start(std::move(devices));
  if (!error.empty()) {
    worker->reply({{"ready", false}, {"error", error}, {"errno", worker->bind_errno()}});
    ::_exit(2);
  }
  worker->reply({{"ready", true}});
  worker->run();
  ::_exit(0);
}

}  // namespace nbsync::lab::detail
