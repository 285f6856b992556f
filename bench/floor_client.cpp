// nbsync-bench-floor: the least work any SSH config backup client can do, as the floor for
// bench/run. For each device of a list: connect (TCP_NODELAY), authenticate by password
// (keyboard-interactive as fallback), read the config, disconnect. Nothing else: no host-key
// store, no prompt handling, no normalization, no hashing, no storage. W threads, one
// session each, like nbsync's worker pool.
//
// Reading the config: an exec request where the platform takes one (cisco-ios, arista-eos),
// otherwise a shell without a pty and the commands typed ahead ("paging off", the config
// command, "exit"), read to end of file.
//
// usage: nbsync-bench-floor --devices-file FILE --workers W --user U --password-file F
//   FILE: one device a line, "id address port platform-slug".
// Prints one JSON line: devices, ok, failed, bytes, wall_seconds, cpu_user_seconds,
// cpu_system_seconds, max_rss_kib (this process), first_failures.
#include <libssh/libssh.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Target {
  long id = 0;
  std::string address;
  unsigned int port = 22;
  std::string platform;
};

struct Options {
  std::string devices_file;
  int workers = 32;
  std::string user = "netops";
  std::string password;
  long timeout_seconds = 30;
};

struct Totals {
  std::atomic<long> ok{0};
  std::atomic<long> failed{0};
  std::atomic<long long> bytes{0};
  std::mutex mutex;
  std::vector<std::string> first_failures;

  void fail(const Target& target, const std::string& why) {
    ++failed;
    const std::lock_guard lock(mutex);
    if (first_failures.size() < 5) {
      first_failures.push_back(target.address + " (" + target.platform + "): " + why);
    }
  }
};

bool takes_exec(const std::string& platform) {
  return platform == "cisco-ios" || platform == "arista-eos";
}

std::string typed_ahead(const std::string& platform) {
  if (platform == "juniper-junos") {
    return "set cli screen-length 0\nshow configuration\nexit\n";
  }
  return "terminal length 0\nshow running-config\nexit\n";
}

bool authenticate(ssh_session session, const Options& options) {
  int rc = ssh_userauth_password(session, nullptr, options.password.c_str());
  if (rc == SSH_AUTH_SUCCESS) {
    return true;
  }
  if (rc == SSH_AUTH_ERROR) {
    return false;
  }
  rc = ssh_userauth_kbdint(session, nullptr, nullptr);
  for (int round = 0; rc == SSH_AUTH_INFO && round < 3; ++round) {
    const int prompts = ssh_userauth_kbdint_getnprompts(session);
    for (int i = 0; i < prompts; ++i) {
      ssh_userauth_kbdint_setanswer(session, static_cast<unsigned int>(i), options.password.c_str());
    }
    rc = ssh_userauth_kbdint(session, nullptr, nullptr);
  }
  return rc == SSH_AUTH_SUCCESS;
}

// One backup; returns the bytes read, or a negative value with `why` set.
long long back_up(const Target& target, const Options& options, std::string& why) {
  ssh_session session = ssh_new();
  if (session == nullptr) {
    why = "ssh_new failed";
    return -1;
  }
  const int yes = 1;
  const int no = 0;
  ssh_options_set(session, SSH_OPTIONS_HOST, target.address.c_str());
  ssh_options_set(session, SSH_OPTIONS_PORT, &target.port);
  ssh_options_set(session, SSH_OPTIONS_USER, options.user.c_str());
  ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &options.timeout_seconds);
  ssh_options_set(session, SSH_OPTIONS_NODELAY, &yes);
  ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
  ssh_options_set(session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
  long long bytes = -1;
  ssh_channel channel = nullptr;
  if (ssh_connect(session) != SSH_OK) {
    why = std::string("connect: ") + ssh_get_error(session);
  } else if (!authenticate(session, options)) {
    why = std::string("auth: ") + ssh_get_error(session);
  } else if ((channel = ssh_channel_new(session)) == nullptr || ssh_channel_open_session(channel) != SSH_OK) {
    why = std::string("channel: ") + ssh_get_error(session);
  } else {
    bool started = false;
    if (takes_exec(target.platform)) {
      started = ssh_channel_request_exec(channel, "show running-config") == SSH_OK;
    } else if (ssh_channel_request_shell(channel) == SSH_OK) {
      const std::string input = typed_ahead(target.platform);
      started = ssh_channel_write(channel, input.data(), static_cast<uint32_t>(input.size())) ==
                static_cast<int>(input.size());
    }
    if (!started) {
      why = std::string("exec/shell: ") + ssh_get_error(session);
    } else {
      char chunk[65536];
      long long total = 0;
      const int timeout_ms = static_cast<int>(options.timeout_seconds * 1000);
      while (true) {
        const int n = ssh_channel_read_timeout(channel, chunk, sizeof chunk, 0, timeout_ms);
        if (n > 0) {
          total += n;
          continue;
        }
        if (n == 0 && ssh_channel_is_eof(channel)) {
          bytes = total;
        } else {
          why = n == 0 ? "read: timeout" : std::string("read: ") + ssh_get_error(session);
        }
        break;
      }
      if (bytes == 0) {
        why = "read: empty output";
        bytes = -1;
      }
    }
  }
  if (channel != nullptr) {
    ssh_channel_close(channel);
    ssh_channel_free(channel);
  }
  ssh_disconnect(session);
  ssh_free(session);
  return bytes;
}

std::vector<Target> read_targets(const std::string& file) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error(file + ": cannot read the device list");
  }
  std::vector<Target> targets;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Target t;
    if (fields >> t.id >> t.address >> t.port >> t.platform) {
      targets.push_back(std::move(t));
    }
  }
  return targets;
}

std::string read_secret(const std::string& file) {
  std::ifstream in(file);
  std::string secret;
  if (!in || !std::getline(in, secret)) {
    throw std::runtime_error(file + ": cannot read the password file");
  }
  return secret;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--devices-file") {
      o.devices_file = value;
    } else if (flag == "--workers") {
      o.workers = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--user") {
      o.user = value;
    } else if (flag == "--password-file") {
      o.password = read_secret(value);
    } else if (flag == "--timeout") {
      o.timeout_seconds = std::max(1, std::atoi(value.c_str()));
    } else {
      throw std::runtime_error("unknown option " + flag);
    }
  }
  if (o.devices_file.empty() || o.password.empty()) {
    throw std::runtime_error("usage: nbsync-bench-floor --devices-file FILE --workers W --user U --password-file F");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    const std::vector<Target> targets = read_targets(options.devices_file);
    ssh_init();
    Totals totals;
    std::atomic<std::size_t> next{0};
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int w = 0; w < options.workers; ++w) {
      threads.emplace_back([&] {
        for (std::size_t i = next++; i < targets.size(); i = next++) {
          std::string why;
          const long long bytes = back_up(targets[i], options, why);
          if (bytes > 0) {
            ++totals.ok;
            totals.bytes += bytes;
          } else {
            totals.fail(targets[i], why);
          }
        }
      });
    }
    for (auto& t : threads) {
      t.join();
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ssh_finalize();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& tv) {
      return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    std::string failures = "[";
    for (std::size_t i = 0; i < totals.first_failures.size(); ++i) {
      if (i > 0) {
        failures += ',';
      }
      failures += json_string(totals.first_failures[i]);
    }
    failures += "]";
    std::printf(
        "{\"devices\": %zu, \"ok\": %ld, \"failed\": %ld, \"bytes\": %lld, \"wall_seconds\": %.3f, "
        "\"cpu_user_seconds\": %.3f, "
        "\"cpu_system_seconds\": %.3f, \"max_rss_kib\": %ld, \"first_failures\": %s}\n",
        targets.size(), totals.ok.load(), totals.failed.load(), totals.bytes.load(), wall, seconds(usage.ru_utime),
        seconds(usage.ru_stime), usage.ru_maxrss, failures.c_str());
    return totals.failed.load() == 0 ? 0 : 3;
  } catch (const std::exception& e) {
    std::cerr << "nbsync-bench-floor: " << e.what() << "\n";
    return 2;
  }
}
