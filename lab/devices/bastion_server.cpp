#include "lab/devices/bastion_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <httplib.h>
#include <CLI/CLI.hpp>

#include "lab/devices/detail/bastion_worker.hpp"
#include "lab/devices/host_keys.hpp"

namespace nbsync::lab {
namespace {

struct FaultEntry {
  BastionFault fault;
  std::string_view name;
};
constexpr FaultEntry k_faults[] = {
    {BastionFault::refuse, "refuse"},
    {BastionFault::hang, "hang"},
    {BastionFault::auth_failure, "auth_failure"},
    {BastionFault::forwarding_refused, "forwarding_refused"},
    {BastionFault::hang_forward, "hang_forward"},
    {BastionFault::host_key_rotated, "host_key_rotated"},
};

std::string address_text(std::uint32_t a) {
  in_addr address{};
  address.s_addr = htonl(a);
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &address, text, sizeof text);
  return text;
}

std::string known_fault_names() {
  std::string names;
  for (const auto& f : k_faults) {
    names.append(names.empty() ? "" : ", ").append(f.name);
  }
  return names;
}

// A free TCP port on `address` (the kernel's pick; it may be taken again before use).
std::uint16_t free_port(std::uint32_t address) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(address);
  socklen_t length = sizeof a;
  const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length) == 0;
  if (fd >= 0) {
    ::close(fd);
  }
  if (!ok) {
    throw std::runtime_error("cannot find a free SSH port for the bastions on " + address_text(address));
  }
  return ntohs(a.sin_port);
}

}  // namespace

const std::vector<BastionFault>& all_bastion_faults() {
  static const std::vector<BastionFault> faults = [] {
    std::vector<BastionFault> out;
    for (const auto& f : k_faults) {
      out.push_back(f.fault);
    }
    return out;
  }();
  return faults;
}

std::string_view bastion_fault_name(BastionFault f) {
  for (const auto& entry : k_faults) {
    if (entry.fault == f) {
      return entry.name;
    }
  }
  return "unknown";
}

std::optional<BastionFault> parse_bastion_fault(std::string_view name) {
  for (const auto& entry : k_faults) {
    if (entry.name == name) {
      return entry.fault;
    }
  }
  return std::nullopt;
}

std::vector<std::string> bastion_fault_names(std::uint32_t mask) {
  std::vector<std::string> names;
  for (const auto& entry : k_faults) {
    if ((mask & static_cast<std::uint32_t>(entry.fault)) != 0) {
      names.emplace_back(entry.name);
    }
  }
  return names;
}

void BastionOptions::use_device_lab(const DeviceLabOptions& device_options, std::uint16_t device_port) {
  seed = device_options.seed;
  state_dir = device_options.state_dir;
  authorized_key_file = device_options.authorized_key_file;
  port = device_port;
  port_may_move = device_options.ssh_port == 0;
}

void add_bastion_options(CLI::App& app, BastionOptions& o) {
  app.add_option("--bastion-sites", o.site_share,
                 "share of the sites (chosen by the seed) whose devices are reachable only through an SSH jump host; "
                 "one of them through two in a chain (0: no bastions; see lab/devices/README.md)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--bastion-user", o.user, "SSH user name the bastions accept")->capture_default_str();
  app.add_option("--bastion-password", o.password,
                 "password the bastions accept (they also accept the --authorized-key key)")
      ->capture_default_str();
}

struct BastionServer::Impl {
  BastionOptions options;
  BastionPlan plan;
  detail::BastionWorkerSettings settings;
  mutable std::mutex mutex;
  std::vector<std::uint32_t> faults;
  std::unordered_map<std::int64_t, std::uint32_t> device_address;  // id -> address served
  pid_t pid = -1;
  int fd = -1;

  nlohmann::json receive(std::chrono::milliseconds timeout) const {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
      throw std::runtime_error("the bastion worker did not answer within " + std::to_string(timeout.count()) + " ms");
    }
    std::string buffer(1 << 20, '\0');
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) {
      throw std::runtime_error("the bastion worker exited unexpectedly");
    }
    buffer.resize(static_cast<std::size_t>(n));
    return nlohmann::json::parse(buffer);
  }

  // One request and its reply. Caller holds `mutex`.
  nlohmann::json request(const nlohmann::json& message) const {
    if (pid < 0) {
      throw std::runtime_error("no bastion worker is running");
    }
    const std::string text = message.dump();
    if (::send(fd, text.data(), text.size(), MSG_NOSIGNAL) < 0) {
      throw std::runtime_error(std::string("the bastion worker is gone: ") + std::strerror(errno));
    }
    return receive(std::chrono::seconds(30));
  }

  // Forks the worker; returns "" or its error (errno in failed_errno).
  std::string start(int& failed_errno) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
      failed_errno = errno;
      return std::string("socketpair failed: ") + std::strerror(errno);
    }
    const pid_t parent = ::getpid();
    const pid_t child = ::fork();
    if (child < 0) {
      failed_errno = errno;
      ::close(pair[0]);
      ::close(pair[1]);
      return std::string("fork failed: ") + std::strerror(errno);
    }
    if (child == 0) {
      ::close(pair[0]);
      detail::run_bastion_worker(settings, pair[1], parent);
    }
    ::close(pair[1]);
    pid = child;
    fd = pair[0];
    try {
      const auto ready = receive(std::chrono::seconds(30));
      if (ready.value("ready", false)) {
        return {};
      }
      failed_errno = ready.value("errno", 0);
      return ready.value("error", std::string("the bastion worker failed"));
    } catch (const std::exception& e) {
      return e.what();
    }
  }

  void stop() {
    if (pid < 0) {
      return;
    }
    const std::string stop_message = R"({"op":"stop"})";
    ::send(fd, stop_message.data(), stop_message.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ::close(fd);
    pid = -1;
    fd = -1;
  }

  std::size_t index_of(const std::string& name) const {
    for (std::size_t i = 0; i < plan.bastions.size(); ++i) {
      if (plan.bastions[i].name == name) {
        return i;
      }
    }
    throw std::out_of_range("no bastion named '" + name + "'; GET /lab/bastions lists them");
  }

  nlohmann::json entry(std::size_t i) const {
    const auto& b = plan.bastions[i];
    const auto id = detail::bastion_key_id(static_cast<int>(i));
    const auto key = derive_host_key(settings.host_key_secret, id, 0);
    const bool rotated = (faults[i] & static_cast<std::uint32_t>(BastionFault::host_key_rotated)) != 0;
    return {{"name", b.name},
            {"address", address_text(b.ipv4)},
            {"port", settings.port},
            {"user", settings.user},
            {"host_key", host_key_public_line(key)},
            {"host_key_fingerprint", host_key_fingerprint(key)},
            {"presented_host_key_fingerprint",
             rotated ? host_key_fingerprint(derive_host_key(settings.host_key_secret, id, k_rotated_generation_flag))
                     : host_key_fingerprint(key)},
            {"behind", b.behind < 0 ? nlohmann::json(nullptr)
                                    : nlohmann::json(plan.bastions[static_cast<std::size_t>(b.behind)].name)},
            {"chain", plan.chain(static_cast<int>(i))},
            {"sites", b.sites},
            {"faults", bastion_fault_names(faults[i])}};
  }
};

BastionServer::BastionServer(BastionOptions options, BastionPlan plan, const std::vector<SimulatedDevice>& devices)
    : m(std::make_unique<Impl>()) {
  m->options = options;
  m->plan = std::move(plan);
  m->faults.assign(m->plan.bastions.size(), 0);
  auto& s = m->settings;
  s.user = options.user;
  s.password = options.password;
  s.authorized_key_file = options.authorized_key_file;
  s.device_port = options.port;
  s.port = options.port;
  s.host_key_secret = options.state_dir.empty()
                          ? host_key_secret_from_seed(options.seed)
                          : load_or_create_host_key_secret(options.state_dir / "ssh-host-key-secret");
  if (m->plan.empty()) {
    return;
  }
  for (std::size_t i = 0; i < m->plan.bastions.size(); ++i) {
    s.bastions.push_back(
        {m->plan.bastions[i].name, m->plan.bastions[i].ipv4, m->plan.bastion_only_from(static_cast<int>(i)), 0});
  }
  for (const auto& d : devices) {
    if (d.ipv4 != 0) {
      m->device_address[d.id] = d.ipv4;
      s.device_addresses.push_back(d.ipv4);
    }
  }
  for (int attempt = 0;; ++attempt) {
    if (s.port == 0) {
      s.port = free_port(m->plan.bastions.front().ipv4);
    }
    int failed_errno = 0;
    const auto error = m->start(failed_errno);
    if (error.empty()) {
      break;
    }
    m->stop();
    if (failed_errno == EADDRINUSE && options.port_may_move && attempt < 8) {
      s.port = 0;  // the devices' port is taken on a bastion address: another one
      continue;
    }
    throw std::runtime_error("SSH bastions: " + error);
  }
  s.device_addresses.clear();
  s.device_addresses.shrink_to_fit();
}

BastionServer::~BastionServer() {
  std::lock_guard lock(m->mutex);
  m->stop();
}

std::uint16_t BastionServer::port() const {
  return m->settings.port;
}

const BastionPlan& BastionServer::plan() const {
  return m->plan;
}

void BastionServer::device_changed(std::int64_t id, std::uint32_t address) {
  std::lock_guard lock(m->mutex);
  const auto it = m->device_address.find(id);
  const std::uint32_t old_address = it == m->device_address.end() ? 0 : it->second;
  if (m->pid < 0 || old_address == address) {
    return;
  }
  nlohmann::json remove = nlohmann::json::array(), add = nlohmann::json::array();
  if (old_address != 0) {
    remove.push_back(old_address);
    m->device_address.erase(id);
  }
  if (address != 0) {
    add.push_back(address);
    m->device_address[id] = address;
  }
  m->request({{"op", "addresses"}, {"remove", remove}, {"add", add}});
}

nlohmann::json BastionServer::list() const {
  std::lock_guard lock(m->mutex);
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < m->plan.bastions.size(); ++i) {
    out.push_back(m->entry(i));
  }
  return out;
}

nlohmann::json BastionServer::state(const std::string& name) const {
  std::lock_guard lock(m->mutex);
  const auto i = m->index_of(name);
  auto j = m->entry(i);
  j["counters"] = m->request({{"op", "stats"}}).at("bastions").at(i);
  return j;
}

void BastionServer::set_faults(const std::string& name, std::uint32_t mask) {
  std::lock_guard lock(m->mutex);
  const auto i = m->index_of(name);
  const auto reply = m->request({{"op", "faults"}, {"bastion", i}, {"faults", mask}});
  if (!reply.value("ok", false)) {
    throw std::runtime_error(reply.value("error", std::string("the bastion worker refused the faults")));
  }
  m->faults[i] = mask;
}

int BastionServer::drop_connections(const std::string& name) {
  std::lock_guard lock(m->mutex);
  const auto i = m->index_of(name);
  const auto reply = m->request({{"op", "drop"}, {"bastion", i}});
  if (!reply.value("ok", false)) {
    throw std::runtime_error(reply.value("error", std::string("the bastion worker refused the drop")));
  }
  return reply.value("dropped", 0);
}

std::uint32_t BastionServer::faults(const std::string& name) const {
  std::lock_guard lock(m->mutex);
  return m->faults[m->index_of(name)];
}

void BastionServer::register_routes(httplib::Server& server) {
  using httplib::Request;
  using httplib::Response;
  const auto send = [](Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  };
  // Runs `action` with the bastion name from the path; exceptions become 400/404/500.
  const auto guarded = [send](auto action) {
    return [send, action](const Request& req, Response& res) {
      try {
        send(res, 200, action(req.matches[1].str(), req));
      } catch (const std::out_of_range& e) {
        send(res, 404, {{"detail", e.what()}});
      } catch (const std::invalid_argument& e) {
        send(res, 400, {{"detail", e.what()}});
      } catch (const std::exception& e) {
        send(res, 500, {{"detail", e.what()}});
      }
    };
  };
  server.Get("/lab/bastions", [this, send](const Request&, Response& res) {
    send(res, 200, {{"bastions", list()}, {"netbox_field", k_jump_host_field}});
  });
  server.Get(R"(/lab/bastions/([A-Za-z0-9_.-]+))",
             guarded([this](const std::string& name, const Request&) { return state(name); }));
  server.Get(R"(/lab/bastions/([A-Za-z0-9_.-]+)/faults)", guarded([this](const std::string& name, const Request&) {
               return nlohmann::json{{"faults", bastion_fault_names(faults(name))}};
             }));
  server.Post(
      R"(/lab/bastions/([A-Za-z0-9_.-]+)/faults)", guarded([this](const std::string& name, const Request& req) {
        const auto body = nlohmann::json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
        if (!body.is_object() || !body.contains("faults") || !body["faults"].is_array()) {
          throw std::invalid_argument(R"(body must be {"faults": ["name", ...]}; names in lab/devices/FAULTS.md)");
        }
        std::uint32_t mask = 0;
        for (const auto& item : body["faults"]) {
          const auto fault = item.is_string() ? parse_bastion_fault(item.get<std::string>()) : std::nullopt;
          if (!fault) {
            throw std::invalid_argument("unknown bastion fault " + item.dump() + "; known: " + known_fault_names());
          }
          mask |= static_cast<std::uint32_t>(*fault);
        }
        set_faults(name, mask);
        return nlohmann::json{{"faults", bastion_fault_names(faults(name))}};
      }));
  server.Post(R"(/lab/bastions/([A-Za-z0-9_.-]+)/drop)", guarded([this](const std::string& name, const Request&) {
                return nlohmann::json{{"dropped", drop_connections(name)}};
              }));
  server.Delete(R"(/lab/bastions/([A-Za-z0-9_.-]+)/faults)", guarded([this](const std::string& name, const Request&) {
                  set_faults(name, 0);
                  return nlohmann::json{{"faults", nlohmann::json::array()}};
                }));
}

}  // namespace nbsync::lab
