// nbsync's config file (TOML, edited by people) through load_config. load_config reads
// a path, so each input is written to nbsync.toml in a private temporary directory that
// also holds a `token` file (token_file = "token" resolves there), and NBSYNC_FUZZ_SECRET
// is set (for "env:NBSYNC_FUZZ_SECRET"). libFuzzer exits without atexit handlers, so the
// directory stays: scripts/fuzz gives the targets a TMPDIR of their own and removes it.
// Invariants: it loads or throws ConfigError (nothing else), and a loaded Config is in
// range: a NetBox URL without trailing '/' or /api, durations from 0 to 3650 days, a
// positive config size limit.
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.hpp"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

const std::filesystem::path& work_dir() {
  static const std::filesystem::path dir = [] {
    std::string name = (std::filesystem::temp_directory_path() / "nbsync-fuzz-config-XXXXXX").string();
    if (mkdtemp(name.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    std::ofstream(std::filesystem::path(name) / "token") << "0123456789abcdef0123456789abcdef01234567\n";
    setenv("NBSYNC_FUZZ_SECRET", "fuzz-secret", 1);
    return std::filesystem::path(name);
  }();
  return dir;
}

// What the reader allows: from 0 to 3650 days.
bool in_range(std::chrono::milliseconds d) {
  return d.count() >= 0 && d <= std::chrono::hours(24 * 3650);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path file = work_dir() / "nbsync.toml";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  nbsync::Config config;
  try {
    config = nbsync::load_config(file);
  } catch (const nbsync::ConfigError&) {
    return 0;
  }
  const std::string& url = config.netbox.url;
  check(url.starts_with("http://") || url.starts_with("https://"), "netbox.url is not http(s)");
  check(!url.ends_with('/') && !url.ends_with("/api"), "netbox.url ends with / or /api");
  check(config.netbox.page_size >= 1 && config.netbox.page_size <= 1000, "netbox.page_size out of range");
  check(config.ssh.workers >= 1 && config.ssh.port >= 1, "ssh.workers or ssh.port out of range");
  check(config.ssh.max_config_bytes > 0, "ssh.max_config_bytes is 0");
  for (const auto d :
       {config.netbox.timeout, config.ssh.connect_timeout, config.ssh.login_timeout, config.ssh.command_idle_timeout,
        config.ssh.command_timeout, config.notify.drain_timeout, config.notify.retry_interval, config.daemon.interval,
        config.daemon.jitter, config.daemon.shutdown_grace}) {
    check(in_range(d), "a duration out of range");
  }
  check(in_range(config.notify.last_backup_refresh), "notify.last_backup_refresh out of range");
  return 0;
}
