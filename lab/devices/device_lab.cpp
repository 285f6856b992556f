#include "lab/devices/device_lab.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <httplib.h>
#include <toml++/toml.h>
#include <CLI/CLI.hpp>

#include "lab/devices/detail/random.hpp"
#include "lab/devices/detail/ssh_worker.hpp"
#include "lab/devices/detail/timing_report.hpp"
#include "lab/devices/host_keys.hpp"
#include "lab/devices/timing.hpp"

namespace nbsync::lab {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t k_worker_capacity = 17000;  // listeners one worker may hold (20,000 fds)
constexpr std::size_t k_batch = 400;              // devices per upsert message

std::string ipv4_text(std::uint32_t a) {
  in_addr address{};
  address.s_addr = htonl(a);
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &address, text, sizeof text);
  return text;
}

std::string hostname_for(const SimulatedDevice& d) {
  if (d.name.empty()) {
    return "device-" + std::to_string(d.id);
  }
  std::string h = d.name;
  for (auto& c : h) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      c = '-';
    }
  }
  return h;
}

std::string read_public_key(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read the authorized public key file " + path +
                             "; pass an OpenSSH public key (.pub) file");
  }
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') {
      break;
    }
  }
  std::istringstream words(line);
  std::string type, b64;
  words >> type >> b64;
  if (type.rfind("ssh-", 0) != 0 && type.rfind("ecdsa-", 0) != 0) {
    throw std::runtime_error("authorized public key file " + path +
                             " does not hold an OpenSSH public key ('ssh-ed25519 AAAA...')");
  }
  return type + " " + b64;
}

// Values from the lab config file, for the options the command line did not set.
void apply_lab_config(DeviceLabOptions& o) {
  if (o.lab_config_file.empty()) {
    return;
  }
  toml::table file;
  try {
    file = toml::parse_file(o.lab_config_file);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << e.source().begin;
    throw std::runtime_error("lab config " + o.lab_config_file + " " + where.str() + ": " +
                             std::string(e.description()));
  }
  const toml::table* ssh = file["ssh"].as_table();
  if (ssh == nullptr) {
    return;
  }
  for (const auto& [key, value] : *ssh) {
    const std::string k(key.str());
    static const std::set<std::string> known = {"user",           "password",     "enable_secret",
                                                "authorized_key", "faults",       "timing",
                                                "change_rate",    "change_every", "keyboard_interactive_share"};
    if (known.count(k) == 0) {
      throw std::runtime_error("lab config " + o.lab_config_file + ": unknown key [ssh]." + k +
                               "; known: user, password, enable_secret, authorized_key, faults, timing, change_rate, "
                               "change_every, keyboard_interactive_share");
    }
    (void)value;
  }
  const auto text = [&](const char* key, const char* flag, std::string& out) {
    if (o.set_on_command_line.count(flag) != 0) {
      return;
    }
    if (const auto v = (*ssh)[key].value<std::string>()) {
      out = *v;
    }
  };
  const auto number = [&](const char* key, const char* flag, double& out) {
    if (o.set_on_command_line.count(flag) != 0) {
      return;
    }
    if (const auto v = (*ssh)[key].value<double>()) {
      out = *v;
    }
  };
  text("user", "--user", o.user);
  text("password", "--password", o.password);
  text("enable_secret", "--enable-secret", o.enable_secret);
  text("authorized_key", "--authorized-key", o.authorized_key_file);
  text("faults", "--faults", o.faults);
  text("timing", "--timing", o.timing);
  number("change_rate", "--change-rate", o.change_rate);
  number("change_every", "--change-every", o.change_every);
  number("keyboard_interactive_share", "--keyboard-interactive-share", o.keyboard_interactive_share);
}

std::uint16_t pick_free_port(std::uint32_t address) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(address);
  a.sin_port = 0;
  socklen_t length = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length) != 0) {
    const std::string error = std::strerror(errno);
    if (fd >= 0) {
      ::close(fd);
    }
    throw std::runtime_error("cannot find a free SSH port on " + ipv4_text(address) + ": " + error);
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

nlohmann::json error_body(const std::string& detail) {
  return {{"detail", detail}};
}

}  // namespace

void add_device_lab_options(CLI::App& app, DeviceLabOptions& o) {
  const auto mark = [&o](const char* flag) {
    return [&o, flag](const std::string&) { o.set_on_command_line.insert(flag); };
  };
  app.add_option("--ssh-port", o.ssh_port,
                 "SSH port every simulated device listens on, on its own 127.x.y.z address (0: a free port)")
      ->capture_default_str();
  app.add_option("--user", o.user, "SSH user name the devices accept")->capture_default_str()->each(mark("--user"));
  app.add_option("--password", o.password, "SSH password the devices accept (password and keyboard-interactive)")
      ->capture_default_str()
      ->each(mark("--password"));
  app.add_option("--enable-secret", o.enable_secret, "secret for 'enable' on IOS-like devices")
      ->capture_default_str()
      ->each(mark("--enable-secret"));
  app.add_option("--authorized-key", o.authorized_key_file,
                 "OpenSSH public key file whose key the devices accept (default: none, public-key auth refused)")
      ->each(mark("--authorized-key"));
  app.add_option(
      "--lab-config", o.lab_config_file,
      "TOML file with an [ssh] table: user, password, enable_secret, authorized_key, faults, timing, change_rate, "
      "change_every, keyboard_interactive_share (the command line wins)");
  std::string names;
  for (const auto f : all_faults()) {
    names.append(names.empty() ? "" : ", ").append(fault_name(f));
  }
  app.add_option("--faults", o.faults,
                 "seeded fault mix NAME=SHARE,... (shares in [0,1], sum <= 1; each device gets at most one fault; "
                 "e.g. refuse=0.01,no_banner=0.01,trickle=0.005); names: " +
                     names + "; see lab/devices/FAULTS.md")
      ->each(mark("--faults"));
  app.add_option("--timing", o.timing,
                 "how long devices make clients wait: none (instant, for tests), realistic (the shipped "
                 "lab/devices/timing_realistic.toml, for benchmarks) or the path of a TOML file like it; see "
                 "lab/devices/README.md")
      ->capture_default_str()
      ->each(mark("--timing"));
  app.add_option("--aaa-logins-per-second", o.aaa_logins_per_second,
                 "logins per second every site's AAA server answers at most; beyond it logins queue and fail at "
                 "the AAA timeout (0: each site's rate from the timing file; --timing none: no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option_function<std::vector<std::string>>(
         "--aaa-site",
         [&o](const std::vector<std::string>& entries) {
           for (const auto& entry : entries) {
             const auto equals = entry.find('=');
             double rate = -1;
             if (equals != std::string::npos) {
               try {
                 rate = std::stod(entry.substr(equals + 1));
               } catch (const std::exception&) {
               }
             }
             if (equals == std::string::npos || equals == 0 || rate < 0) {
               throw CLI::ValidationError("--aaa-site", "expected SLUG=LOGINS_PER_SECOND (e.g. ams1=2), got " + entry);
             }
             o.aaa_site_rates[entry.substr(0, equals)] = rate;
           }
         },
         "one site's AAA rate, SLUG=LOGINS_PER_SECOND (repeatable), over --aaa-logins-per-second: a site whose "
         "TACACS+ server is overloaded while the others are not")
      ->take_all();
  app.add_option("--keyboard-interactive-share", o.keyboard_interactive_share,
                 "share of devices (chosen by the seed) that accept only keyboard-interactive authentication")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->each(mark("--keyboard-interactive-share"));
  app.add_option("--change-rate", o.change_rate,
                 "share of devices whose config gets a new version every --change-every seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->each(mark("--change-rate"));
  app.add_option("--change-every", o.change_every, "seconds between config change rounds (with --change-rate)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->each(mark("--change-every"));
}

struct DeviceLab::Impl {
  struct Record {
    SimulatedDevice device;
    std::string hostname;
    Platform platform = Platform::generic;
    std::uint32_t version = 0;
    std::uint32_t key_generation = 0;
    std::uint32_t secret_generation = 0;  // bumped by /lab/devices/{id}/secrets/rotate
    std::uint32_t faults = 0;
    bool keyboard_interactive_only = false;
    DeviceTiming timing;
    std::uint32_t site = 0;  // index into site_slugs
    int worker = -1;
  };
  struct WorkerProcess {
    pid_t pid = -1;
    int fd = -1;
    std::size_t devices = 0;
  };

  DeviceLabOptions options;
  detail::WorkerSettings settings;
  FaultMix mix;
  TimingModel timing;
  mutable std::mutex mutex;
  std::map<std::int64_t, Record> records;
  std::unordered_map<std::uint32_t, std::int64_t> by_address;
  std::vector<WorkerProcess> workers;
  std::size_t worker_count = 1;
  detail::SiteAaaTurns aaa_turns;  // mapped before the workers fork: they share it
  std::vector<std::string> site_slugs;
  std::unordered_map<std::string, std::uint32_t> site_by_slug;
  std::vector<double> site_aaa_rates;  // logins per second, by site index; 0: no limit
  std::thread change_thread;
  std::condition_variable change_cv;
  bool stopping = false;
  std::uint64_t change_round = 0;

  detail::WorkerDevice worker_device(const Record& r) const {
    detail::WorkerDevice w;
    w.id = r.device.id;
    w.hostname = r.hostname;
    w.platform = r.platform;
    w.ipv4 = r.device.ipv4;
    w.only_from = r.device.only_from;
    w.version = r.version;
    w.key_generation = r.key_generation;
    w.secret_generation = r.secret_generation;
    w.faults = r.faults;
    w.keyboard_interactive_only = r.keyboard_interactive_only;
    w.timing = r.timing;
    w.site = r.site;
    w.aaa_logins_per_second = site_aaa_rates.at(r.site);
    return w;
  }

  // The index of a site, and its AAA rate on first sight.
  std::uint32_t site_index(const std::string& slug) {
    const auto [it, added] = site_by_slug.try_emplace(slug, static_cast<std::uint32_t>(site_slugs.size()));
    if (!added) {
      return it->second;
    }
    site_slugs.push_back(slug);
    const auto chosen = options.aaa_site_rates.find(slug);
    site_aaa_rates.push_back(chosen != options.aaa_site_rates.end() ? chosen->second
                             : options.aaa_logins_per_second > 0    ? options.aaa_logins_per_second
                                                                    : timing.aaa_logins_per_second(options.seed, slug));
    return static_cast<std::uint32_t>(site_slugs.size() - 1);
  }

  Record& find(std::int64_t id) {
    const auto it = records.find(id);
    if (it == records.end()) {
      throw std::out_of_range("device " + std::to_string(id) + " is not in the SSH lab");
    }
    return it->second;
  }
  const Record& find(std::int64_t id) const {
    const auto it = records.find(id);
    if (it == records.end()) {
      throw std::out_of_range("device " + std::to_string(id) + " is not in the SSH lab");
    }
    return it->second;
  }

  // One request/reply round trip with a worker. Caller holds `mutex`.
  nlohmann::json request(int index, const nlohmann::json& message) {
    auto& w = workers.at(static_cast<std::size_t>(index));
    const std::string text = message.dump();
    if (::send(w.fd, text.data(), text.size(), MSG_NOSIGNAL) < 0) {
      throw std::runtime_error("device lab worker " + std::to_string(w.pid) + " is gone: " + std::strerror(errno));
    }
    return receive(w, std::chrono::seconds(30));
  }

  static nlohmann::json receive(const WorkerProcess& w, std::chrono::milliseconds timeout) {
    pollfd p{w.fd, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (rc <= 0) {
      throw std::runtime_error("device lab worker " + std::to_string(w.pid) + " did not answer within " +
                               std::to_string(timeout.count()) + " ms");
    }
    std::string buffer(1 << 20, '\0');
    const ssize_t n = ::recv(w.fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) {
      throw std::runtime_error("device lab worker " + std::to_string(w.pid) + " exited unexpectedly");
    }
    buffer.resize(static_cast<std::size_t>(n));
    return nlohmann::json::parse(buffer);
  }

  void send_devices(int worker, const std::vector<const Record*>& batch) {
    for (std::size_t i = 0; i < batch.size(); i += k_batch) {
      nlohmann::json devices = nlohmann::json::array();
      for (std::size_t j = i; j < std::min(batch.size(), i + k_batch); ++j) {
        devices.push_back(detail::to_json(worker_device(*batch[j])));
      }
      const auto reply = request(worker, {{"op", "upsert"}, {"devices", devices}});
      if (!reply.value("ok", false)) {
        throw std::runtime_error(reply.value("error", std::string("device lab worker refused the update")));
      }
    }
  }

  void push(const Record& r) {
    if (r.worker >= 0) {
      send_devices(r.worker, {&r});
    }
  }

  void stop_workers() {
    for (auto& w : workers) {
      if (w.fd >= 0) {
        const std::string stop = R"({"op":"stop"})";
        ::send(w.fd, stop.data(), stop.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      }
    }
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    for (auto& w : workers) {
      if (w.pid > 0) {
        int status = 0;
        while (::waitpid(w.pid, &status, WNOHANG) == 0) {
          if (Clock::now() >= deadline) {
            ::kill(w.pid, SIGKILL);
            ::waitpid(w.pid, &status, 0);
            break;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
      }
      if (w.fd >= 0) {
        ::close(w.fd);
      }
      w.pid = -1;
      w.fd = -1;
    }
    workers.clear();
  }

  // Forks the workers for the current records; returns "" or the first worker's error.
  std::string start_workers(int& failed_errno) {
    std::vector<const Record*> served;
    for (const auto& [id, r] : records) {
      if (r.device.ipv4 != 0) {
        served.push_back(&r);
      }
    }
    const std::size_t per = std::max<std::size_t>(1, std::min(options.devices_per_worker, k_worker_capacity));
    const std::size_t count = std::max<std::size_t>(1, (served.size() + per - 1) / per);
    worker_count = count;
    for (std::size_t i = 0; i < count; ++i) {
      std::vector<detail::WorkerDevice> slice;
      for (std::size_t j = i * per; j < std::min(served.size(), (i + 1) * per); ++j) {
        slice.push_back(worker_device(*served[j]));
        records.at(served[j]->device.id).worker = static_cast<int>(i);
      }
      int pair[2];
      if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        failed_errno = errno;
        return std::string("socketpair failed: ") + std::strerror(errno);
      }
      const int buffer = 4 * 1024 * 1024;
      ::setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
      ::setsockopt(pair[1], SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
      const pid_t parent = ::getpid();
      const pid_t pid = ::fork();
      if (pid < 0) {
        failed_errno = errno;
        ::close(pair[0]);
        ::close(pair[1]);
        return std::string("fork failed: ") + std::strerror(errno);
      }
      if (pid == 0) {
        for (const auto& other : workers) {
          ::close(other.fd);
        }
        ::close(pair[0]);
        detail::run_worker(settings, std::move(slice), pair[1], parent);
      }
      ::close(pair[1]);
      workers.push_back({pid, pair[0], slice.size()});
    }
    std::string first_error;
    for (const auto& w : workers) {
      try {
        const auto reply = receive(w, std::chrono::seconds(120));
        if (!reply.value("ready", false) && first_error.empty()) {
          first_error = reply.value("error", std::string("worker failed"));
          failed_errno = reply.value("errno", 0);
        }
      } catch (const std::exception& e) {
        if (first_error.empty()) {
          first_error = e.what();
        }
      }
    }
    return first_error;
  }

  void save_state() const {
    if (options.state_dir.empty()) {
      return;
    }
    nlohmann::json state = nlohmann::json::object();
    for (const auto& [id, r] : records) {
      if (r.version != 0 || r.key_generation != 0) {
        state[std::to_string(id)] = {{"version", r.version}, {"key_generation", r.key_generation}};
      }
    }
    const auto path = options.state_dir / "ssh-devices.json";
    const auto tmp = options.state_dir / "ssh-devices.json.tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << state.dump() << "\n";
      if (!out) {
        return;  // the lab keeps running; state is best effort after startup
      }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
  }

  std::map<std::int64_t, std::pair<std::uint32_t, std::uint32_t>> load_state() const {
    std::map<std::int64_t, std::pair<std::uint32_t, std::uint32_t>> state;
    if (options.state_dir.empty()) {
      return state;
    }
    const auto path = options.state_dir / "ssh-devices.json";
    std::ifstream in(path);
    if (!in) {
      return state;
    }
    try {
      const auto j = nlohmann::json::parse(in);
      for (const auto& [key, value] : j.items()) {
        state[std::stoll(key)] = {value.at("version").get<std::uint32_t>(),
                                  value.at("key_generation").get<std::uint32_t>()};
      }
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot read " + path.string() + ": " + e.what() + "; fix or delete it");
    }
    return state;
  }

  Record make_record(const SimulatedDevice& d) const {
    if (d.ipv4 != 0 && (d.ipv4 >> 24) != 127) {
      throw std::invalid_argument("device " + std::to_string(d.id) + " address " + ipv4_text(d.ipv4) +
                                  " is not in 127.0.0.0/8");
    }
    if (d.ipv4 == 0x7f000001U) {
      throw std::invalid_argument("device " + std::to_string(d.id) + " must not use 127.0.0.1");
    }
    Record r;
    r.device = d;
    r.hostname = hostname_for(d);
    r.platform = platform_from_slug(d.platform);
    r.faults = mix.pick(options.seed, d.id);
    r.timing = timing.for_device(options.seed, d.id, r.platform);
    r.keyboard_interactive_only =
        detail::unit(detail::mix({options.seed, static_cast<std::uint64_t>(d.id), 0x6b6264ULL})) <
        options.keyboard_interactive_share;
    return r;
  }

  void change_loop() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      change_cv.wait_for(lock, std::chrono::duration<double>(options.change_every));
      if (stopping) {
        break;
      }
      ++change_round;
      std::map<int, std::vector<const Record*>> changed;
      for (auto& [id, r] : records) {
        if (detail::unit(detail::mix({options.seed, static_cast<std::uint64_t>(id), 0xc4a9eULL, change_round})) <
            options.change_rate) {
          ++r.version;
          if (r.worker >= 0) {
            changed[r.worker].push_back(&r);
          }
        }
      }
      try {
        for (const auto& [worker, batch] : changed) {
          send_devices(worker, batch);
        }
      } catch (const std::exception&) {
        // a worker is gone; requests from HTTP handlers will report it
      }
      save_state();
    }
  }
};

DeviceLab::DeviceLab(DeviceLabOptions options, const std::vector<SimulatedDevice>& devices)
    : m(std::make_unique<Impl>()) {
  apply_lab_config(options);
  m->options = options;
  try {
    m->mix = parse_fault_mix(options.faults);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("--faults: ") + e.what());
  }
  try {
    m->timing = TimingModel::load(options.timing);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
  if (options.change_rate < 0 || options.change_rate > 1) {
    throw std::runtime_error("--change-rate must be in [0,1]");
  }
  if (!(options.change_every > 0)) {
    throw std::runtime_error("--change-every must be a positive number of seconds");
  }
  auto& s = m->settings;
  s.seed = options.seed;
  s.aaa_turns = &m->aaa_turns;
  s.user = options.user;
  s.password = options.password;
  s.enable_secret = options.enable_secret;
  if (!options.authorized_key_file.empty()) {
    s.authorized_key = read_public_key(options.authorized_key_file);
  }
  if (!options.state_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.state_dir, ec);
    if (ec) {
      throw std::runtime_error("cannot create state directory " + options.state_dir.string() + ": " + ec.message());
    }
    s.host_key_secret = load_or_create_host_key_secret(options.state_dir / "ssh-host-key-secret");
  } else {
    s.host_key_secret = host_key_secret_from_seed(options.seed);
  }
  s.boot_time = std::time(nullptr);
  const auto state = m->load_state();
  for (const auto& d : devices) {
    Impl::Record r;
    try {
      r = m->make_record(d);
      r.site = m->site_index(d.site);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(e.what());
    }
    if (m->records.count(d.id) != 0) {
      throw std::runtime_error("device id " + std::to_string(d.id) + " appears twice in the SSH lab inventory");
    }
    if (d.ipv4 != 0) {
      const auto [it, inserted] = m->by_address.emplace(d.ipv4, d.id);
      if (!inserted) {
        throw std::runtime_error("devices " + std::to_string(it->second) + " and " + std::to_string(d.id) +
                                 " share the address " + ipv4_text(d.ipv4) + "; every device needs its own");
      }
    }
    if (const auto st = state.find(d.id); st != state.end()) {
      r.version = st->second.first;
      r.key_generation = st->second.second;
    }
    m->records.emplace(d.id, std::move(r));
  }
  const std::uint32_t probe_address = m->by_address.empty() ? 0x7f000001U : m->by_address.begin()->first;
  for (int attempt = 0;; ++attempt) {
    s.port = options.ssh_port != 0 ? options.ssh_port : pick_free_port(probe_address);
    int failed_errno = 0;
    const auto error = m->start_workers(failed_errno);
    if (error.empty()) {
      break;
    }
    m->stop_workers();
    if (options.ssh_port == 0 && failed_errno == EADDRINUSE && attempt < 8) {
      continue;
    }
    std::string hint;
    if (failed_errno == EADDRINUSE) {
      hint = "; another process uses this port on some device address: pick another --ssh-port or 0";
    }
    if (failed_errno == EMFILE) {
      hint = "; too many open files: lower devices_per_worker";
    }
    throw std::runtime_error("SSH device lab: " + error + hint);
  }
  if (options.change_rate > 0) {
    m->change_thread = std::thread([this] { m->change_loop(); });
  }
}

DeviceLab::~DeviceLab() {
  {
    std::lock_guard lock(m->mutex);
    m->stopping = true;
  }
  m->change_cv.notify_all();
  if (m->change_thread.joinable()) {
    m->change_thread.join();
  }
  std::lock_guard lock(m->mutex);
  m->stop_workers();
}

std::uint16_t DeviceLab::ssh_port() const {
  return m->settings.port;
}

std::size_t DeviceLab::device_count() const {
  std::lock_guard lock(m->mutex);
  return m->records.size();
}

void DeviceLab::add_device(const SimulatedDevice& device) {
  std::lock_guard lock(m->mutex);
  Impl::Record r = m->make_record(device);
  r.site = m->site_index(device.site);
  if (device.ipv4 != 0) {
    const auto it = m->by_address.find(device.ipv4);
    if (it != m->by_address.end() && it->second != device.id) {
      throw std::invalid_argument("address " + ipv4_text(device.ipv4) + " already belongs to device " +
                                  std::to_string(it->second));
    }
  }
  const auto existing = m->records.find(device.id);
  if (existing != m->records.end()) {
    auto& old = existing->second;
    r.version = old.version;
    r.key_generation = old.key_generation;
    r.secret_generation = old.secret_generation;
    r.faults = old.faults;
    r.keyboard_interactive_only = old.keyboard_interactive_only;
    r.worker = old.worker;
    if (old.device.ipv4 != 0) {
      m->by_address.erase(old.device.ipv4);
    }
  }
  if (r.worker < 0 && device.ipv4 != 0) {
    std::size_t best = k_worker_capacity;
    for (std::size_t i = 0; i < m->workers.size(); ++i) {
      if (m->workers[i].devices < best) {
        best = m->workers[i].devices;
        r.worker = static_cast<int>(i);
      }
    }
    if (r.worker < 0) {
      throw std::runtime_error("the SSH device lab is full: every worker holds " + std::to_string(k_worker_capacity) +
                               " devices");
    }
    ++m->workers[static_cast<std::size_t>(r.worker)].devices;
  }
  if (device.ipv4 != 0) {
    m->by_address[device.ipv4] = device.id;
  }
  const bool is_new = existing == m->records.end();
  auto& stored = m->records[device.id] = std::move(r);
  try {
    m->push(stored);
  } catch (const std::exception& e) {
    if (is_new) {  // leave no half-added device behind
      const int worker = stored.worker;
      if (device.ipv4 != 0) {
        m->by_address.erase(device.ipv4);
      }
      m->records.erase(device.id);
      if (worker >= 0) {
        --m->workers[static_cast<std::size_t>(worker)].devices;
        try {
          m->request(worker, {{"op", "remove"}, {"ids", {device.id}}});
        } catch (const std::exception&) {
        }
      }
    }
    throw std::runtime_error("cannot serve device " + std::to_string(device.id) + ": " + e.what());
  }
}

void DeviceLab::remove_device(std::int64_t id) {
  std::lock_guard lock(m->mutex);
  const auto it = m->records.find(id);
  if (it == m->records.end()) {
    return;
  }
  const int worker = it->second.worker;
  if (it->second.device.ipv4 != 0) {
    m->by_address.erase(it->second.device.ipv4);
  }
  m->records.erase(it);
  if (worker >= 0) {
    --m->workers[static_cast<std::size_t>(worker)].devices;
    m->request(worker, {{"op", "remove"}, {"ids", {id}}});
  }
}

nlohmann::json DeviceLab::device_state(std::int64_t id) const {
  std::lock_guard lock(m->mutex);
  const auto& r = m->find(id);
  const auto key = derive_host_key(m->settings.host_key_secret, id, r.key_generation);
  nlohmann::json j = {
      {"id", id},
      {"name", r.device.name},
      {"hostname", r.hostname},
      {"platform", r.device.platform},
      {"simulated_platform", std::string(platform_slug(r.platform))},
      {"address", r.device.ipv4 == 0 ? nlohmann::json(nullptr) : nlohmann::json(ipv4_text(r.device.ipv4))},
      {"ssh_port", m->settings.port},
      {"served", r.device.ipv4 != 0},
      {"only_from", r.device.only_from == 0 ? nlohmann::json(nullptr) : nlohmann::json(ipv4_text(r.device.only_from))},
      {"config_version", r.version},
      {"config_command", show_config_command(r.platform)},
      {"faults", fault_names(r.faults)},
      {"keyboard_interactive_only", r.keyboard_interactive_only},
      {"host_key", host_key_public_line(key)},
      {"host_key_fingerprint", host_key_fingerprint(key)},
      {"host_key_generation", r.key_generation},
      {"secret_generation", r.secret_generation},
  };
  if ((r.faults & fault_bit(Fault::host_key_rotated)) != 0) {
    const auto presented =
        derive_host_key(m->settings.host_key_secret, id, r.key_generation | k_rotated_generation_flag);
    j["presented_host_key_fingerprint"] = host_key_fingerprint(presented);
  } else {
    j["presented_host_key_fingerprint"] = host_key_fingerprint(key);
  }
  return j;
}

std::uint32_t DeviceLab::new_config_version(std::int64_t id) {
  std::lock_guard lock(m->mutex);
  auto& r = m->find(id);
  ++r.version;
  m->push(r);
  m->save_state();
  return r.version;
}

void DeviceLab::set_faults(std::int64_t id, std::uint32_t mask) {
  std::lock_guard lock(m->mutex);
  auto& r = m->find(id);
  r.faults = mask;
  m->push(r);
}

std::uint32_t DeviceLab::faults(std::int64_t id) const {
  std::lock_guard lock(m->mutex);
  return m->find(id).faults;
}

nlohmann::json DeviceLab::timing(std::int64_t id) const {
  std::lock_guard lock(m->mutex);
  const auto& r = m->find(id);
  auto j = to_json(r.timing);
  j["id"] = id;
  j["model"] = m->timing.name();
  return j;
}

std::string DeviceLab::rotate_host_key(std::int64_t id) {
  std::lock_guard lock(m->mutex);
  auto& r = m->find(id);
  ++r.key_generation;
  m->push(r);
  m->save_state();
  return host_key_fingerprint(derive_host_key(m->settings.host_key_secret, id, r.key_generation));
}

void DeviceLab::rotate_secrets(std::int64_t id) {
  std::lock_guard lock(m->mutex);
  auto& r = m->find(id);
  ++r.secret_generation;
  m->push(r);
}

void DeviceLab::set_keyboard_interactive_only(std::int64_t id, bool only) {
  std::lock_guard lock(m->mutex);
  auto& r = m->find(id);
  r.keyboard_interactive_only = only;
  m->push(r);
}

GeneratedConfig DeviceLab::current_config(std::int64_t id) const {
  ConfigRequest request;
  {
    std::lock_guard lock(m->mutex);
    const auto& r = m->find(id);
    request.seed = m->settings.seed;
    request.id = id;
    request.hostname = r.hostname;
    request.platform = r.platform;
    request.version = r.version;
    request.secret_generation = r.secret_generation;
  }
  request.now = std::time(nullptr);
  request.read_nonce = static_cast<std::uint64_t>(Clock::now().time_since_epoch().count());
  return generate_config(request);
}

nlohmann::json DeviceLab::stats() const {
  std::lock_guard lock(m->mutex);
  nlohmann::json workers = nlohmann::json::array();
  for (std::size_t i = 0; i < m->workers.size(); ++i) {
    try {
      workers.push_back(m->request(static_cast<int>(i), {{"op", "stats"}}));
    } catch (const std::exception& e) {
      workers.push_back({{"pid", m->workers[i].pid}, {"error", e.what()}});
    }
  }
  std::size_t served = 0;
  for (const auto& [id, r] : m->records) {
    served += r.device.ipv4 != 0 ? 1 : 0;
  }
  return {{"ssh_port", m->settings.port}, {"devices", m->records.size()}, {"served", served}, {"workers", workers}};
}

nlohmann::json DeviceLab::timing_report() const {
  std::lock_guard lock(m->mutex);
  nlohmann::json total;
  std::uint64_t refused = 0;
  std::uint64_t full = 0;
  std::uint64_t peak = 0;
  for (std::size_t i = 0; i < m->workers.size(); ++i) {
    detail::TimingReport::merge(total, m->request(static_cast<int>(i), {{"op", "timing"}}));
    const auto counters = m->request(static_cast<int>(i), {{"op", "stats"}});
    refused += counters.value("refused_vty_busy", std::uint64_t{0});
    full += counters.value("vty_lines_full", std::uint64_t{0});
    peak = std::max(peak, counters.value("peak_sessions_per_device", std::uint64_t{0}));
  }
  if (total.is_null()) {
    detail::TimingReport::merge(total, detail::TimingReport().to_json());
  }
  total["model"] = m->timing.name();
  total["refused_vty_busy"] = refused;
  total["vty_lines_full"] = full;
  total["peak_sessions_per_device"] = peak;
  return total;
}

void DeviceLab::reset_timing() {
  std::lock_guard lock(m->mutex);
  for (std::size_t i = 0; i < m->workers.size(); ++i) {
    m->request(static_cast<int>(i), {{"op", "timing_reset"}});
  }
}

nlohmann::json DeviceLab::counters(bool by_device) const {
  std::lock_guard lock(m->mutex);
  nlohmann::json peak_by_device = nlohmann::json::object();
  nlohmann::json sessions_by_device = nlohmann::json::object();
  nlohmann::json sites = nlohmann::json::object();
  std::uint64_t peak = 0;
  for (std::size_t i = 0; i < m->workers.size(); ++i) {
    const auto stats = m->request(static_cast<int>(i), {{"op", "stats"}, {"by_device", by_device}});
    peak = std::max(peak, stats.value("peak_sessions_per_device", std::uint64_t{0}));
    for (const auto& [id, device_peak] : stats.at("peak_sessions_by_device").items()) {
      peak_by_device[id] = device_peak;  // a device lives in one worker
    }
    if (by_device) {
      sessions_by_device.update(stats.at("sessions_by_device"));
    }
    // Several workers (over 15,000 devices): a site's peak is the sum of its workers' peaks,
    // an upper bound; its counts are exact.
    for (const auto& [index, c] : stats.at("sites").items()) {
      auto& site = sites[m->site_slugs.at(std::stoul(index))];
      if (!site.is_object()) {
        site = nlohmann::json::object();
      }
      for (const char* key : {"logins", "aaa_waits", "aaa_timeouts", "peak_sessions"}) {
        site[key] = site.value(key, std::uint64_t{0}) + c.at(key).get<std::uint64_t>();
      }
    }
  }
  for (auto& [slug, site] : sites.items()) {
    site["aaa_logins_per_second"] = m->site_aaa_rates.at(m->site_by_slug.at(slug));
  }
  nlohmann::json counters = {{"peak_sessions_per_device", {{"max", peak}, {"devices_over_one", peak_by_device}}},
                             {"sites", sites}};
  if (by_device) {
    counters["sessions_by_device"] = std::move(sessions_by_device);
  }
  return counters;
}

void DeviceLab::reset_counters() {
  std::lock_guard lock(m->mutex);
  for (std::size_t i = 0; i < m->workers.size(); ++i) {
    m->request(static_cast<int>(i), {{"op", "counters_reset"}});
  }
}

void DeviceLab::register_routes(httplib::Server& server) {
  using httplib::Request;
  using httplib::Response;
  const auto send = [](Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  };
  // Runs `action` with the device id from the path, mapping exceptions to 400/404.
  const auto guarded = [send](auto action) {
    return [send, action](const Request& req, Response& res) {
      try {
        const std::int64_t id = std::stoll(req.matches[1].str());
        send(res, 200, action(id, req));
      } catch (const std::out_of_range& e) {
        send(res, 404, error_body(e.what()));
      } catch (const nlohmann::json::exception& e) {
        send(res, 400, error_body(std::string("request body must be JSON: ") + e.what()));
      } catch (const std::invalid_argument& e) {
        send(res, 400, error_body(e.what()));
      } catch (const std::exception& e) {
        send(res, 500, error_body(e.what()));
      }
    };
  };
  const auto body_json = [](const Request& req) {
    return req.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(req.body);
  };
  server.Get(R"(/lab/devices/(\d+)/ssh)",
             guarded([this](std::int64_t id, const Request&) { return device_state(id); }));
  server.Post(R"(/lab/devices/(\d+)/ssh)", guarded([this, body_json](std::int64_t id, const Request& req) {
                const auto body = body_json(req);
                if (!body.is_object()) {
                  throw std::invalid_argument("body must be a JSON object");
                }
                for (const auto& [key, value] : body.items()) {
                  if (key != "keyboard_interactive_only") {
                    throw std::invalid_argument("unknown field '" + key + "'; known: keyboard_interactive_only");
                  }
                  if (!value.is_boolean()) {
                    throw std::invalid_argument("keyboard_interactive_only must be true or false");
                  }
                  set_keyboard_interactive_only(id, value.get<bool>());
                }
                return device_state(id);
              }));
  server.Get(R"(/lab/devices/(\d+)/config)", guarded([this](std::int64_t id, const Request&) {
               const auto state = device_state(id);
               const auto config = current_config(id);
               return nlohmann::json{{"id", id},
                                     {"version", state["config_version"]},
                                     {"command", state["config_command"]},
                                     {"text", config.output},
                                     {"bytes", config.output.size()},
                                     {"body_offset", config.body_offset},
                                     {"secrets", config.secrets},
                                     {"volatile_prefixes", config.volatile_prefixes}};
             }));
  server.Post(R"(/lab/devices/(\d+)/config)", guarded([this](std::int64_t id, const Request&) {
                new_config_version(id);
                return device_state(id);
              }));
  server.Get(R"(/lab/devices/(\d+)/faults)", guarded([this](std::int64_t id, const Request&) {
               return nlohmann::json{{"faults", fault_names(faults(id))}};
             }));
  server.Post(
      R"(/lab/devices/(\d+)/faults)", guarded([this, body_json](std::int64_t id, const Request& req) {
        const auto body = body_json(req);
        if (!body.is_object() || !body.contains("faults") || !body["faults"].is_array()) {
          throw std::invalid_argument(R"(body must be {"faults": ["name", ...]}; names in lab/devices/FAULTS.md)");
        }
        std::uint32_t mask = 0;
        for (const auto& name : body["faults"]) {
          const auto fault = name.is_string() ? parse_fault(name.get<std::string>()) : std::nullopt;
          if (!fault) {
            std::string known;
            for (const auto f : all_faults()) {
              known.append(known.empty() ? "" : ", ").append(fault_name(f));
            }
            throw std::invalid_argument("unknown fault " + name.dump() + "; known: " + known);
          }
          mask |= fault_bit(*fault);
        }
        set_faults(id, mask);
        return nlohmann::json{{"faults", fault_names(faults(id))}};
      }));
  server.Delete(R"(/lab/devices/(\d+)/faults)", guarded([this](std::int64_t id, const Request&) {
                  set_faults(id, 0);
                  return nlohmann::json{{"faults", nlohmann::json::array()}};
                }));
  server.Get(R"(/lab/devices/(\d+)/timing)", guarded([this](std::int64_t id, const Request&) { return timing(id); }));
  server.Post(R"(/lab/devices/(\d+)/host-key/rotate)", guarded([this](std::int64_t id, const Request&) {
                rotate_host_key(id);
                return device_state(id);
              }));
  server.Post(R"(/lab/devices/(\d+)/secrets/rotate)", guarded([this](std::int64_t id, const Request&) {
                rotate_secrets(id);
                return device_state(id);
              }));
  server.Get("/lab/ssh", [this, send](const Request&, Response& res) { send(res, 200, stats()); });
  server.Get("/lab/timing", [this, send](const Request&, Response& res) { send(res, 200, timing_report()); });
  server.Delete("/lab/timing", [this, send](const Request&, Response& res) {
    reset_timing();
    send(res, 200, timing_report());
  });
}

}  // namespace nbsync::lab
