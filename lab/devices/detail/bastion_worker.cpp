#include "lab/devices/detail/bastion_worker.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <nlohmann/json.hpp>

#include "lab/devices/bastion_server.hpp"
#include "lab/devices/detail/source_filter.hpp"

namespace nbsync::lab::detail {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint32_t k_kind_listener = 1;
constexpr std::uint32_t k_kind_silent = 2;
constexpr std::uint32_t k_kind_forward = 3;
constexpr auto k_login_grace = std::chrono::seconds(60);
constexpr auto k_silent_limit = std::chrono::minutes(10);
constexpr auto k_idle_limit = std::chrono::minutes(15);
constexpr std::size_t k_max_pending = 1 << 20;  // client data a slow device has not taken yet
constexpr std::size_t k_chunk = 64 * 1024;

bool has(std::uint32_t faults, BastionFault f) {
  return (faults & static_cast<std::uint32_t>(f)) != 0;
}

std::uint64_t epoll_tag(std::uint32_t kind, int fd) {
  return (static_cast<std::uint64_t>(kind) << 32) | static_cast<std::uint32_t>(fd);
}

class BastionWorker;
struct Connection;

// One direct-tcpip channel and the TCP connection the bastion opened for it.
struct Forward {
  Connection* connection = nullptr;
  ssh_channel channel = nullptr;
  ssh_channel_callbacks_struct callbacks{};
  int fd = -1;
  bool connecting = true;
  bool client_eof = false;  // the client sent EOF: shut the device side once to_device is out
  bool write_shut = false;
  bool device_eof = false;  // the device closed (or the connection failed)
  bool finished = false;
  std::string to_device;
  std::string to_client;
  std::uint32_t watched = 0;  // epoll events registered for fd
};

struct Connection {
  BastionWorker* worker = nullptr;
  ssh_session ssh = nullptr;
  std::size_t bastion = 0;
  ssh_server_callbacks_struct callbacks{};
  bool authenticated = false;
  bool dropped = false;  // cut by a "drop" request: closed without a goodbye at the next service
  std::vector<std::unique_ptr<Forward>> forwards;
  Clock::time_point created;
  Clock::time_point last_activity;
};

struct Counters {
  std::uint64_t connections = 0, logins = 0, auth_failures = 0, forwards = 0, forwards_refused = 0,
                forwards_unanswered = 0;
};

class BastionWorker {
public:
  BastionWorker(BastionWorkerSettings settings, int control_fd)
      : m_settings(std::move(settings)), m_control(control_fd), m_counters(m_settings.bastions.size()) {
    m_devices.insert(m_settings.device_addresses.begin(), m_settings.device_addresses.end());
    m_settings.device_addresses.clear();
    m_settings.device_addresses.shrink_to_fit();
  }

  std::string start();
  void run();
  void reply(const nlohmann::json& j);
  int bind_errno() const { return m_bind_errno; }

private:
  static int on_control(socket_t fd, int revents, void* userdata);
  static int on_epoll(socket_t fd, int revents, void* userdata);
  static int on_auth_password(ssh_session, const char* user, const char* password, void* userdata);
  static int on_auth_pubkey(ssh_session, const char* user, ssh_key_struct* pubkey, char signature_state,
                            void* userdata);
  static int on_message(ssh_session, ssh_message message, void* userdata);
  static int on_forward_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* userdata);
  static void on_forward_eof(ssh_session, ssh_channel, void* userdata);
  static void on_forward_close(ssh_session, ssh_channel, void* userdata);

  std::string open_listener(std::size_t index);
  void close_listener(std::size_t index);
  void handle_control_message(const std::string& text);
  void accept_one(int fd, std::size_t index);
  ssh_key host_key(std::size_t index);
  bool may_forward(std::size_t index, const char* host, int port, std::uint32_t& address) const;
  void open_forward(Connection& c, ssh_message message, std::uint32_t address, int port);
  void pump(Forward& f);
  void watch(Forward& f);
  void end_forward(Forward& f);
  void service(Clock::time_point now);
  nlohmann::json stats() const;

  BastionWorkerSettings m_settings;
  int m_control;
  int m_epoll = -1;
  ssh_bind m_bind = nullptr;
  ssh_event m_event = nullptr;
  ssh_key m_authorized = nullptr;
  bool m_stop = false;
  int m_bind_errno = 0;
  std::unordered_set<std::uint32_t> m_devices;
  std::unordered_map<std::size_t, int> m_listeners;  // bastion index -> fd
  std::unordered_map<int, std::size_t> m_listener_bastion;
  std::map<std::pair<std::size_t, bool>, ssh_key> m_keys;
  std::unordered_map<int, Clock::time_point> m_silent;  // `hang` connections -> give-up time
  std::vector<std::pair<int, std::size_t>> m_accepted;
  std::vector<std::unique_ptr<Connection>> m_connections;
  std::vector<Counters> m_counters;
};

std::string BastionWorker::open_listener(std::size_t index) {
  const auto& b = m_settings.bastions[index];
  if (has(b.faults, BastionFault::refuse) || m_listeners.count(index) != 0) {
    return {};
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(m_settings.port);
  address.sin_addr.s_addr = htonl(b.ipv4);
  if (fd < 0 || ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 128) != 0 ||
      !set_source_filter(fd, b.only_from)) {
    m_bind_errno = errno;
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &address.sin_addr, text, sizeof text);
    std::string message = "cannot listen on " + std::string(text) + ":" + std::to_string(m_settings.port) +
                          " for bastion " + b.name + ": " + std::strerror(errno);
    if (fd >= 0) {
      ::close(fd);
    }
    return message;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = epoll_tag(k_kind_listener, fd);
  ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
  m_listeners[index] = fd;
  m_listener_bastion[fd] = index;
  return {};
}

void BastionWorker::close_listener(std::size_t index) {
  const auto it = m_listeners.find(index);
  if (it == m_listeners.end()) {
    return;
  }
  ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, it->second, nullptr);
  ::close(it->second);
  m_listener_bastion.erase(it->second);
  m_listeners.erase(it);
}

std::string BastionWorker::start() {
  m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
  if (m_epoll < 0) {
    return std::string("epoll_create1 failed: ") + std::strerror(errno);
  }
  ssh_init();
  m_bind = ssh_bind_new();
  const int verbosity = SSH_LOG_NOLOG;
  ssh_bind_options_set(m_bind, SSH_BIND_OPTIONS_LOG_VERBOSITY, &verbosity);
  if (!m_settings.authorized_key_file.empty() &&
      ssh_pki_import_pubkey_file(m_settings.authorized_key_file.c_str(), &m_authorized) != SSH_OK) {
    return "cannot read the authorized public key file " + m_settings.authorized_key_file;
  }
  m_event = ssh_event_new();
  ssh_event_add_fd(m_event, m_control, POLLIN, &BastionWorker::on_control, this);
  ssh_event_add_fd(m_event, m_epoll, POLLIN, &BastionWorker::on_epoll, this);
  for (std::size_t i = 0; i < m_settings.bastions.size(); ++i) {
    if (auto error = open_listener(i); !error.empty()) {
      return error;
    }
  }
  return {};
}

void BastionWorker::reply(const nlohmann::json& j) {
  const std::string text = j.dump();
  while (::send(m_control, text.data(), text.size(), MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

nlohmann::json BastionWorker::stats() const {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < m_counters.size(); ++i) {
    std::size_t sessions = 0, open = 0;
    for (const auto& c : m_connections) {
      if (c->bastion == i) {
        ++sessions;
        open += c->forwards.size();
      }
    }
    const auto& n = m_counters[i];
    out.push_back({{"connections", n.connections},
                   {"sessions", sessions},
                   {"logins", n.logins},
                   {"auth_failures", n.auth_failures},
                   {"forwards", n.forwards},
                   {"forwards_open", open},
                   {"forwards_refused", n.forwards_refused},
                   {"forwards_unanswered", n.forwards_unanswered}});
  }
  return out;
}

void BastionWorker::handle_control_message(const std::string& text) {
  const auto request = nlohmann::json::parse(text, nullptr, false);
  const std::string op = request.is_object() ? request.value("op", "") : "";
  if (op == "faults") {
    const auto index = request.at("bastion").get<std::size_t>();
    m_settings.bastions.at(index).faults = request.at("faults").get<std::uint32_t>();
    if (has(m_settings.bastions[index].faults, BastionFault::refuse)) {
      close_listener(index);
      reply({{"ok", true}});
    } else {
      const auto error = open_listener(index);
      reply({{"ok", error.empty()}, {"error", error}});
    }
  } else if (op == "addresses") {
    for (const auto& a : request.at("remove")) {
      m_devices.erase(a.get<std::uint32_t>());
    }
    for (const auto& a : request.at("add")) {
      m_devices.insert(a.get<std::uint32_t>());
    }
    reply({{"ok", true}});
  } else if (op == "drop") {
    const auto index = request.at("bastion").get<std::size_t>();
    int dropped = 0;
    for (auto& c : m_connections) {
      if (c->bastion == index && !c->dropped) {
        c->dropped = true;
        ++dropped;
      }
    }
    reply({{"ok", true}, {"dropped", dropped}});
  } else if (op == "stats") {
    reply({{"ok", true}, {"bastions", stats()}});
  } else if (op == "stop") {
    reply({{"ok", true}});
    m_stop = true;
  } else {
    reply({{"ok", false}, {"error", "unknown op '" + op + "'"}});
  }
}

int BastionWorker::on_control(socket_t fd, int, void* userdata) {
  auto* self = static_cast<BastionWorker*>(userdata);
  std::string buffer(1 << 20, '\0');
  const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    self->m_stop = true;  // the parent went away
  } else if (n > 0) {
    buffer.resize(static_cast<std::size_t>(n));
    self->handle_control_message(buffer);
  }
  return 0;
}

// Listeners are accepted here, `hang` connections drained; forwarded sockets only wake the
// loop: service() moves their data with the sessions detached from the event.
int BastionWorker::on_epoll(socket_t fd, int, void* userdata) {
  auto* self = static_cast<BastionWorker*>(userdata);
  epoll_event events[64];
  const int n = ::epoll_wait(fd, events, 64, 0);
  for (int i = 0; i < n; ++i) {
    const auto kind = static_cast<std::uint32_t>(events[i].data.u64 >> 32);
    const int efd = static_cast<int>(events[i].data.u64 & 0xffffffffU);
    if (kind == k_kind_listener) {
      for (int accepted = ::accept4(efd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC); accepted >= 0;
           accepted = ::accept4(efd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) {
        self->m_accepted.emplace_back(accepted, self->m_listener_bastion.at(efd));
      }
    } else if (kind == k_kind_silent) {
      char sink[4096];
      const ssize_t r = ::recv(efd, sink, sizeof sink, MSG_DONTWAIT);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
        ::epoll_ctl(self->m_epoll, EPOLL_CTL_DEL, efd, nullptr);
        ::close(efd);
        self->m_silent.erase(efd);
      }
    }
  }
  return 0;
}

ssh_key BastionWorker::host_key(std::size_t index) {
  const bool rotated = has(m_settings.bastions[index].faults, BastionFault::host_key_rotated);
  const auto it = m_keys.find({index, rotated});
  if (it != m_keys.end()) {
    return it->second;
  }
  const auto key = derive_host_key(m_settings.host_key_secret, bastion_key_id(static_cast<int>(index)),
                                   rotated ? k_rotated_generation_flag : 0);
  ssh_key imported = nullptr;
  if (ssh_pki_import_privkey_base64(host_key_openssh_private(key).c_str(), nullptr, nullptr, nullptr, &imported) !=
      SSH_OK) {
    return nullptr;
  }
  m_keys.emplace(std::make_pair(index, rotated), imported);
  return imported;
}

void BastionWorker::accept_one(int fd, std::size_t index) {
  ++m_counters[index].connections;
  const auto now = Clock::now();
  if (has(m_settings.bastions[index].faults, BastionFault::hang)) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = epoll_tag(k_kind_silent, fd);
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
    m_silent[fd] = now + k_silent_limit;
    return;
  }
  ssh_key key = host_key(index);
  if (key == nullptr) {
    ::close(fd);
    return;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ssh_bind_options_set(m_bind, SSH_BIND_OPTIONS_IMPORT_KEY, ssh_key_dup(key));
  auto c = std::make_unique<Connection>();
  c->worker = this;
  c->bastion = index;
  c->created = c->last_activity = now;
  c->ssh = ssh_new();
  if (ssh_bind_accept_fd(m_bind, c->ssh, fd) != SSH_OK) {
    if (ssh_get_fd(c->ssh) != fd) {
      ::close(fd);
    }
    ssh_free(c->ssh);
    return;
  }
  ssh_set_blocking(c->ssh, 0);
  ssh_callbacks_init(&c->callbacks);
  c->callbacks.userdata = c.get();
  c->callbacks.auth_password_function = &BastionWorker::on_auth_password;
  c->callbacks.auth_pubkey_function = &BastionWorker::on_auth_pubkey;
  ssh_set_server_callbacks(c->ssh, &c->callbacks);
  ssh_set_message_callback(c->ssh, &BastionWorker::on_message, c.get());
  ssh_set_auth_methods(c->ssh, SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY);
  if (ssh_handle_key_exchange(c->ssh) == SSH_ERROR) {
    ssh_free(c->ssh);
    return;
  }
  ssh_event_add_session(m_event, c->ssh);
  m_connections.push_back(std::move(c));
}

int BastionWorker::on_auth_password(ssh_session, const char* user, const char* password, void* userdata) {
  auto& c = *static_cast<Connection*>(userdata);
  auto& w = *c.worker;
  const bool ok = !has(w.m_settings.bastions[c.bastion].faults, BastionFault::auth_failure) && user != nullptr &&
                  password != nullptr && w.m_settings.user == user && w.m_settings.password == password;
  ++(ok ? w.m_counters[c.bastion].logins : w.m_counters[c.bastion].auth_failures);
  c.authenticated = c.authenticated || ok;
  return ok ? SSH_AUTH_SUCCESS : SSH_AUTH_DENIED;
}

int BastionWorker::on_auth_pubkey(ssh_session, const char* user, ssh_key_struct* pubkey, char signature_state,
                                  void* userdata) {
  auto& c = *static_cast<Connection*>(userdata);
  auto& w = *c.worker;
  const bool known = !has(w.m_settings.bastions[c.bastion].faults, BastionFault::auth_failure) &&
                     w.m_authorized != nullptr && user != nullptr && w.m_settings.user == user &&
                     ssh_key_cmp(pubkey, w.m_authorized, SSH_KEY_CMP_PUBLIC) == 0;
  if (signature_state == SSH_PUBLICKEY_STATE_NONE) {
    return known ? SSH_AUTH_SUCCESS : SSH_AUTH_DENIED;  // "would this key do?"
  }
  const bool ok = known && signature_state == SSH_PUBLICKEY_STATE_VALID;
  ++(ok ? w.m_counters[c.bastion].logins : w.m_counters[c.bastion].auth_failures);
  c.authenticated = c.authenticated || ok;
  return ok ? SSH_AUTH_SUCCESS : SSH_AUTH_DENIED;
}

// A device address on the devices' port, or a bastion that sits behind this one on the
// bastions' port. Host names are not resolved: a lab destination is always an address.
bool BastionWorker::may_forward(std::size_t index, const char* host, int port, std::uint32_t& address) const {
  in_addr parsed{};
  if (host == nullptr || inet_pton(AF_INET, host, &parsed) != 1) {
    return false;
  }
  address = ntohl(parsed.s_addr);
  if (port == m_settings.device_port && m_devices.count(address) != 0) {
    return true;
  }
  const auto self = m_settings.bastions[index].ipv4;
  for (const auto& b : m_settings.bastions) {
    if (b.ipv4 == address && b.only_from == self && port == m_settings.port) {
      return true;
    }
  }
  return false;
}

int BastionWorker::on_message(ssh_session, ssh_message message, void* userdata) {
  auto& c = *static_cast<Connection*>(userdata);
  auto& w = *c.worker;
  if (ssh_message_type(message) != SSH_REQUEST_CHANNEL_OPEN) {
    return 1;  // libssh's default answer: a refusal (global requests, auth "none", ...)
  }
  auto& counters = w.m_counters[c.bastion];
  const auto faults = w.m_settings.bastions[c.bastion].faults;
  // Session channels (shell, exec, subsystems) and every other type: refused.
  if (!c.authenticated || ssh_message_subtype(message) != SSH_CHANNEL_DIRECT_TCPIP) {
    ++counters.forwards_refused;
    return 1;
  }
  if (has(faults, BastionFault::hang_forward)) {
    ++counters.forwards_unanswered;
    return 0;  // handled: no answer is ever sent
  }
  std::uint32_t address = 0;
  const int port = ssh_message_channel_request_open_destination_port(message);
  if (has(faults, BastionFault::forwarding_refused) ||
      !w.may_forward(c.bastion, ssh_message_channel_request_open_destination(message), port, address)) {
    ++counters.forwards_refused;
    return 1;  // SSH_MSG_CHANNEL_OPEN_FAILURE, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED
  }
  w.open_forward(c, message, address, port);
  return 0;
}

// Opens the TCP connection from the bastion's own address and accepts the channel at once;
// the connect completes in the loop. libssh 0.10's server API cannot answer a channel open
// with "connect failed", so a device that refuses shows as a channel closed before any data.
void BastionWorker::open_forward(Connection& c, ssh_message message, std::uint32_t address, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(m_settings.bastions[c.bastion].ipv4);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<std::uint16_t>(port));
  remote.sin_addr.s_addr = htonl(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    if (fd >= 0) {
      ::close(fd);
    }
    ++m_counters[c.bastion].forwards_refused;
    ssh_message_reply_default(message);
    return;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote);
  const bool failed = rc != 0 && errno != EINPROGRESS;
  ssh_channel channel = ssh_message_channel_request_open_reply_accept(message);
  if (channel == nullptr) {
    ::close(fd);
    return;
  }
  ++m_counters[c.bastion].forwards;
  auto f = std::make_unique<Forward>();
  f->connection = &c;
  f->channel = channel;
  f->fd = fd;
  f->connecting = rc != 0 && !failed;
  f->device_eof = failed;
  ssh_callbacks_init(&f->callbacks);
  f->callbacks.userdata = f.get();
  f->callbacks.channel_data_function = &BastionWorker::on_forward_data;
  f->callbacks.channel_eof_function = &BastionWorker::on_forward_eof;
  f->callbacks.channel_close_function = &BastionWorker::on_forward_close;
  ssh_set_channel_callbacks(channel, &f->callbacks);
  c.forwards.push_back(std::move(f));
}

int BastionWorker::on_forward_data(ssh_session, ssh_channel, void* data, uint32_t len, int, void* userdata) {
  auto& f = *static_cast<Forward*>(userdata);
  f.connection->last_activity = Clock::now();
  if (f.write_shut || f.finished) {
    return static_cast<int>(len);
  }
  f.to_device.append(static_cast<const char*>(data), len);
  if (f.to_device.size() > k_max_pending) {
    f.device_eof = true;  // the device does not read: give up on this forward
  }
  return static_cast<int>(len);
}

void BastionWorker::on_forward_eof(ssh_session, ssh_channel, void* userdata) {
  static_cast<Forward*>(userdata)->client_eof = true;
}

void BastionWorker::on_forward_close(ssh_session, ssh_channel, void* userdata) {
  static_cast<Forward*>(userdata)->finished = true;
}

void BastionWorker::pump(Forward& f) {
  if (f.finished) {
    return;
  }
  if (f.connecting) {
    pollfd p{f.fd, POLLOUT, 0};
    if (::poll(&p, 1, 0) <= 0) {
      return;
    }
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(f.fd, SOL_SOCKET, SO_ERROR, &error, &length);
    f.connecting = false;
    f.device_eof = f.device_eof || error != 0;
  }
  while (!f.device_eof && !f.to_device.empty()) {
    const ssize_t n = ::send(f.fd, f.to_device.data(), f.to_device.size(), MSG_NOSIGNAL);
    if (n > 0) {
      f.to_device.erase(0, static_cast<std::size_t>(n));
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      f.device_eof = true;
    } else {
      break;
    }
  }
  if (f.client_eof && f.to_device.empty() && !f.write_shut && !f.device_eof) {
    ::shutdown(f.fd, SHUT_WR);
    f.write_shut = true;
  }
  char buffer[k_chunk];
  for (;;) {
    const std::size_t window = ssh_channel_window_size(f.channel);
    if (!f.to_client.empty()) {
      const std::size_t n = std::min(window, f.to_client.size());
      const int written = n == 0 ? 0 : ssh_channel_write(f.channel, f.to_client.data(), static_cast<uint32_t>(n));
      if (written <= 0) {
        break;
      }
      f.to_client.erase(0, static_cast<std::size_t>(written));
      f.connection->last_activity = Clock::now();
      continue;
    }
    if (f.device_eof || window == 0) {
      break;
    }
    const ssize_t n = ::recv(f.fd, buffer, std::min(window, sizeof buffer), MSG_DONTWAIT);
    if (n > 0) {
      f.to_client.assign(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      f.device_eof = true;
    } else {
      break;
    }
  }
  if (f.device_eof && f.to_client.empty()) {
    if (!ssh_channel_is_closed(f.channel)) {
      ssh_channel_send_eof(f.channel);
      ssh_channel_close(f.channel);
    }
    f.finished = true;
  }
}

// Registers in the epoll set exactly what the forward waits for, so a socket whose data
// cannot move yet (channel window shut) does not spin the loop.
void BastionWorker::watch(Forward& f) {
  std::uint32_t want = 0;
  if (!f.finished) {
    if (f.connecting || (!f.to_device.empty() && !f.device_eof)) {
      want |= EPOLLOUT;
    }
    if (!f.connecting && !f.device_eof && f.to_client.empty() && ssh_channel_window_size(f.channel) > 0) {
      want |= EPOLLIN;
    }
  }
  if (want == f.watched) {
    return;
  }
  epoll_event ev{};
  ev.events = want;
  ev.data.u64 = epoll_tag(k_kind_forward, f.fd);
  ::epoll_ctl(m_epoll, f.watched == 0 ? EPOLL_CTL_ADD : (want == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD), f.fd, &ev);
  f.watched = want;
}

void BastionWorker::end_forward(Forward& f) {
  if (f.watched != 0) {
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, f.fd, nullptr);
  }
  ::close(f.fd);
  ssh_remove_channel_callbacks(f.channel, &f.callbacks);
  ssh_channel_free(f.channel);  // sends the close if still owed; libssh frees it when both sides closed
}

void BastionWorker::service(Clock::time_point now) {
  for (std::size_t i = 0; i < m_connections.size();) {
    Connection& c = *m_connections[i];
    bool dead = (ssh_get_status(c.ssh) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0;
    dead = dead || c.dropped || (!c.authenticated && now - c.created > k_login_grace) ||
           now - c.last_activity > k_idle_limit;
    if (dead) {
      for (auto& f : c.forwards) {
        end_forward(*f);
      }
      ssh_event_remove_session(m_event, c.ssh);
      ssh_free(c.ssh);
      m_connections[i] = std::move(m_connections.back());
      m_connections.pop_back();
      continue;
    }
    if (!c.forwards.empty()) {
      // Writes end with a flush that polls the session: keep other sessions' callbacks out.
      ssh_event_remove_session(m_event, c.ssh);
      for (std::size_t j = 0; j < c.forwards.size();) {
        Forward& f = *c.forwards[j];
        pump(f);
        watch(f);
        if (f.finished) {
          end_forward(f);
          c.forwards[j] = std::move(c.forwards.back());
          c.forwards.pop_back();
          continue;
        }
        ++j;
      }
      ssh_event_add_session(m_event, c.ssh);
    }
    ++i;
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

void BastionWorker::run() {
  while (!m_stop) {
    ssh_event_dopoll(m_event, 250);
    for (const auto& [fd, index] : m_accepted) {
      accept_one(fd, index);
    }
    m_accepted.clear();
    service(Clock::now());
  }
}

}  // namespace

void run_bastion_worker(const BastionWorkerSettings& settings, int control_fd, pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) {
    ::_exit(3);  // the parent died before prctl took effect
  }
  // Nothing of the parent's (device workers' control sockets, ...) stays open here.
  if (control_fd > 3) {
    ::close_range(3, static_cast<unsigned>(control_fd) - 1, 0);
  }
  ::close_range(static_cast<unsigned>(control_fd) + 1, ~0U, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGINT, SIG_DFL);
  auto worker = std::make_unique<BastionWorker>(settings, control_fd);
  const std::string error = worker->start();
  if (!error.empty()) {
    worker->reply({{"ready", false}, {"error", error}, {"errno", worker->bind_errno()}});
    ::_exit(2);
  }
  worker->reply({{"ready", true}});
  worker->run();
  ::_exit(0);
}

}  // namespace nbsync::lab::detail
