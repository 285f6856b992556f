#pragma once
// `nbsync daemon`: backup cycles on a schedule until SIGTERM/SIGINT, as a systemd
// Type=notify service. One cycle at a time, on its own thread, while the main thread
// waits for signals, pings the watchdog and tells systemd the status. SIGHUP reloads the
// config file (validated first: a bad file keeps the running config) for the next cycle.
// SIGTERM: no new devices, those in flight get shutdown_grace, then the writer and the
// outbox request in flight finish, and the process exits 0.
#include <filesystem>

namespace nbsync::daemon {

// Returns the exit code. Throws ConfigError for a bad config at start (exit 2).
int run_daemon(const std::filesystem::path& config_file);

}  // namespace nbsync::daemon
