// nbsync-lab-devices-probe: logs into lab devices over SSH many times and reports the lab's
// server CPU per login (from the workers' own rusage, via GET /lab/ssh) next to the client's.
// Each login: connect (TCP_NODELAY), password auth, exec request (IOS/EOS devices without
// faults), read to EOF, disconnect. Also reports a backup's mean wall time as the client saw
// it next to the mean wait the lab's timing made it (GET /lab/timing, reset at the start).
//   nbsync-lab-devices-probe --api http://127.0.0.1:PORT --logins 2000 --threads 2 [--rate 30]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include <httplib.h>
#include <libssh/libssh.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace {

double server_cpu_ms(const nlohmann::json& stats, std::uint64_t& logins) {
  double ms = 0;
  logins = 0;
  for (const auto& w : stats["workers"]) {
    ms += w["cpu_user_ms"].get<double>() + w["cpu_system_ms"].get<double>();
    logins += w["logins"].get<std::uint64_t>();
  }
  return ms;
}

// The workers' loop turns and session services (each a session served in a turn), summed.
double worker_sum(const nlohmann::json& stats, const char* key) {
  double sum = 0;
  for (const auto& w : stats["workers"]) {
    sum += w.value(key, 0.0);
  }
  return sum;
}

double own_cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

// One backup-like login; returns bytes read or -1.
long login_once(const std::string& host, unsigned port, const std::string& user, const std::string& password,
                const std::string& command, int timeout_s, bool quiet) {
  ssh_session s = ssh_new();
  const int verbosity = SSH_LOG_NOLOG, nodelay = 1, no = 0;
  long timeout = timeout_s;
  bool process_config = false;
  ssh_options_set(s, SSH_OPTIONS_HOST, host.c_str());
  ssh_options_set(s, SSH_OPTIONS_PORT, &port);
  ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
  ssh_options_set(s, SSH_OPTIONS_NODELAY, &nodelay);
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
  ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &no);
  ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
  ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &process_config);
  long bytes = -1;
  const auto fail = [&](const char* stage) {
    static std::atomic<int> reported{0};
    if (!quiet && reported++ < 5) {
      std::cerr << "probe: " << host << ": " << stage << ": " << ssh_get_error(s) << "\n";
    }
  };
  if (ssh_connect(s) != SSH_OK) {
    fail("connect");
  } else if (ssh_userauth_password(s, user.c_str(), password.c_str()) != SSH_AUTH_SUCCESS) {
    fail("auth");
  } else {
    ssh_channel c = ssh_channel_new(s);
    if (c != nullptr && ssh_channel_open_session(c) == SSH_OK &&
        ssh_channel_request_exec(c, command.c_str()) == SSH_OK) {
      bytes = 0;
      char buffer[65536];
      int n = 0;
      while ((n = ssh_channel_read_timeout(c, buffer, sizeof buffer, 0, timeout_s * 1000)) > 0) {
        bytes += n;
        if (bytes > 4 * 1024 * 1024) {
          break;  // flood
        }
      }
      if (n < 0) {
        bytes = -1;
        fail("read");
      }
      ssh_channel_close(c);
    } else {
      fail("exec");
    }
    if (c != nullptr) {
      ssh_channel_free(c);
    }
  }
  ssh_disconnect(s);
  ssh_free(s);
  return bytes;
}

// Reads from `c` until the data read ends with `suffix`; false on timeout or error.
bool read_until_suffix(ssh_channel c, const std::string& suffix, int timeout_s, long& bytes, std::size_t limit) {
  std::string tail;
  char buffer[65536];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    const int n = ssh_channel_read_timeout(c, buffer, sizeof buffer, 0, 1000);
    if (n < 0 || (n == 0 && ssh_channel_is_eof(c))) {
      return false;
    }
    bytes += n;
    tail.append(buffer, static_cast<std::size_t>(n));
    if (tail.size() > 4096) {
      tail.erase(0, tail.size() - 4096);
    }
    if (tail.size() >= suffix.size() && tail.compare(tail.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
    if (static_cast<std::size_t>(bytes) > limit) {
      return false;
    }
  }
  return false;
}

// An interactive IOS backup: pty + shell, enable, terminal length 0, show running-config, exit.
long shell_login_once(const std::string& host, const std::string& hostname, unsigned port, const std::string& user,
                      const std::string& password, const std::string& secret, int timeout_s) {
  ssh_session s = ssh_new();
  const int verbosity = SSH_LOG_NOLOG, nodelay = 1, no = 0;
  long timeout = timeout_s;
  bool process_config = false;
  ssh_options_set(s, SSH_OPTIONS_HOST, host.c_str());
  ssh_options_set(s, SSH_OPTIONS_PORT, &port);
  ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
  ssh_options_set(s, SSH_OPTIONS_NODELAY, &nodelay);
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
  ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &no);
  ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
  ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &process_config);
  long bytes = -1;
  if (ssh_connect(s) == SSH_OK && ssh_userauth_password(s, user.c_str(), password.c_str()) == SSH_AUTH_SUCCESS) {
    ssh_channel c = ssh_channel_new(s);
    if (c != nullptr && ssh_channel_open_session(c) == SSH_OK &&
        ssh_channel_request_pty_size(c, "vt100", 200, 24) == SSH_OK && ssh_channel_request_shell(c) == SSH_OK) {
      long n = 0;
      const auto send = [&](const std::string& line) {
        ssh_channel_write(c, line.data(), static_cast<uint32_t>(line.size()));
      };
      bool ok = read_until_suffix(c, hostname + ">", timeout_s, n, 1 << 20);
      if (ok) {
        send("enable\n");
      }
      ok = ok && read_until_suffix(c, "Password: ", timeout_s, n, 1 << 20);
      if (ok) {
        send(secret + "\n");
      }
      ok = ok && read_until_suffix(c, hostname + "#", timeout_s, n, 1 << 20);
      if (ok) {
        send("terminal length 0\n");
      }
      ok = ok && read_until_suffix(c, hostname + "#", timeout_s, n, 1 << 20);
      if (ok) {
        send("show running-config\n");
      }
      ok = ok && read_until_suffix(c, "\nend\r\n\r\n" + hostname + "#", timeout_s, n, 8 << 20);
      if (ok) {
        send("exit\n");
        bytes = n;
      }
      ssh_channel_close(c);
    }
    if (c != nullptr) {
      ssh_channel_free(c);
    }
  }
  ssh_disconnect(s);
  ssh_free(s);
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nbsync-lab-devices-probe: server CPU per SSH login of the device lab"};
  std::string api;
  int logins = 1000, threads = 2, scan = 300, timeout_s = 10;
  double rate = 0;
  bool with_faults = false, shell = false;
  std::string secret = "lab-enable-secret";
  std::string user = "netops", password = "lab-password", command = "show running-config";
  app.add_option("--api", api, "the lab's control API, http://127.0.0.1:PORT")->required();
  app.add_option("--logins", logins, "logins in total")->capture_default_str();
  app.add_option("--threads", threads, "client threads")->capture_default_str();
  app.add_option("--rate", rate,
                 "logins started per second at most (0: as fast as the threads go); login i starts at i/rate s")
      ->capture_default_str();
  app.add_option("--scan", scan, "device ids 1..N to pick IOS/EOS devices without faults from")->capture_default_str();
  app.add_option("--user", user)->capture_default_str();
  app.add_option("--password", password)->capture_default_str();
  app.add_option("--command", command, "exec command")->capture_default_str();
  app.add_option("--timeout", timeout_s, "seconds per connect and per read")->capture_default_str();
  app.add_flag("--shell", shell,
               "interactive IOS backups (pty, enable, terminal length 0, show running-config) instead of exec");
  app.add_option("--enable-secret", secret)->capture_default_str();
  app.add_flag("--with-faults", with_faults,
               "also log into devices with faults (a stress test; failures are expected)");
  CLI11_PARSE(app, argc, argv);
  ssh_init();
  httplib::Client http(api);
  auto summary = http.Get("/lab/ssh");
  if (!summary || summary->status != 200) {
    std::cerr << "probe: cannot GET " << api << "/lab/ssh\n";
    return 1;
  }
  const auto before = nlohmann::json::parse(summary->body);
  const unsigned port = before["ssh_port"].get<unsigned>();
  std::vector<std::string> hosts;
  std::vector<std::string> hostnames;
  for (int id = 1; id <= scan; ++id) {
    auto r = http.Get("/lab/devices/" + std::to_string(id) + "/ssh");
    if (!r || r->status != 200) {
      continue;
    }
    const auto d = nlohmann::json::parse(r->body);
    const auto platform = d["simulated_platform"].get<std::string>();
    if ((platform == "cisco-ios" || (!shell && platform == "arista-eos")) && (with_faults || d["faults"].empty()) &&
        !d["keyboard_interactive_only"].get<bool>() && d["served"].get<bool>()) {
      hosts.push_back(d["address"].get<std::string>());
      hostnames.push_back(d["hostname"].get<std::string>());
    }
  }
  if (hosts.empty()) {
    std::cerr << "probe: no IOS/EOS device without faults among ids 1.." << scan << "\n";
    return 1;
  }
  std::uint64_t logins_before = 0, logins_after = 0;
  const double server_before = server_cpu_ms(before, logins_before);
  const double client_before = own_cpu_ms();
  http.Delete("/lab/timing");
  std::atomic<int> next{0}, failures{0};
  std::atomic<long> bytes{0};
  std::atomic<long long> backup_us{0};  // the logins' wall times, summed
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = next++; i < logins; i = next++) {
        if (rate > 0) {
          std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                    std::chrono::duration<double>(i / rate)));
        }
        const auto h = static_cast<std::size_t>(i) % hosts.size();
        const auto begun = std::chrono::steady_clock::now();
        const long n = shell ? shell_login_once(hosts[h], hostnames[h], port, user, password, secret, timeout_s)
                             : login_once(hosts[h], port, user, password, command, timeout_s, with_faults);
        if (n < 0) {
          ++failures;
        } else {
          bytes += n;
          backup_us +=
              std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - begun).count();
        }
      }
    });
  }
  for (auto& t : pool) {
    t.join();
  }
  const double wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const double client_ms = own_cpu_ms() - client_before;
  const auto after = nlohmann::json::parse(http.Get("/lab/ssh")->body);
  const double server_ms = server_cpu_ms(after, logins_after) - server_before;
  const auto done = static_cast<double>(logins_after - logins_before);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // sessions end on the lab after their clients
  const auto waits = nlohmann::json::parse(http.Get("/lab/timing")->body);
  const auto timed = waits["sessions"].get<double>();
  const auto ok = static_cast<double>(logins - failures);
  std::cout << "logins=" << logins_after - logins_before << " failures=" << failures << " devices=" << hosts.size()
            << " threads=" << threads << " avg_bytes=" << (done > 0 ? static_cast<double>(bytes) / done : 0) << "\n"
            << "wall_ms_per_login=" << wall_ms / logins << " logins_per_s=" << 1000.0 * logins / wall_ms << "\n"
            << "server_cpu_ms_per_login=" << (done > 0 ? server_ms / done : 0)
            << " client_cpu_ms_per_login=" << client_ms / logins << "\n"
            << "loop_turns_per_login="
            << (done > 0 ? (worker_sum(after, "loop_turns") - worker_sum(before, "loop_turns")) / done : 0)
            << " services_per_login="
            << (done > 0 ? (worker_sum(after, "session_services") - worker_sum(before, "session_services")) / done : 0)
            << "\n"
            << "backup_ms_mean=" << (ok > 0 ? static_cast<double>(backup_us) / 1000.0 / ok : 0)
            << " lab_wait_ms_mean=" << (timed > 0 ? waits["waited_ms"].get<double>() / timed : 0) << "\n";
  return failures == 0 ? 0 : 1;
}
