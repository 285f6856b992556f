#include "web/web_command.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include "config/config.hpp"
#include "config/logging.hpp"
#include "storage/database_location.hpp"
#include "web/web_server.hpp"

namespace nbsync::web {

int run_web(const std::filesystem::path& config_path) {
  const Config config = load_config(config_path);
  setup_logging(config.log);
  if (config.web.listen.empty()) {
    throw ConfigError(config_path.string() +
                      ": [web] listen is not set; add a [web] table with listen = \"127.0.0.1:9811\" to serve the "
                      "viewer (systemd/nbsync.example.toml)");
  }
  if (const std::string problem = database_path_problem(config); !problem.empty()) {
    throw ConfigError(problem);
  }
  const auto postgres =
      storage::database_location(config.storage.database, config.storage.postgres_uri, config.storage.database_password)
          .postgres;
  // Blocked before the server's threads start, so that they inherit the mask and only
  // sigwait() below sees the signals.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  WebServer server({config.web, netbox_endpoint(config), config.storage.database, postgres});
  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("web: {} received, stopping", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  server.stop();
  return 0;
}

}  // namespace nbsync::web
