#include "daemon/run_once.hpp"

#include <unistd.h>

#include <iostream>

#include "config/config.hpp"
#include "config/logging.hpp"
#include "daemon/backup_cycle.hpp"
#include "daemon/cycle_summary.hpp"

namespace nbsync::daemon {

int run_once(const std::filesystem::path& config_file, bool json) {
  const Config config = load_config(config_file);
  setup_logging(config.log);
  const bool terminal = isatty(STDERR_FILENO) == 1;
  CycleOptions cycle;
  cycle.show_progress = terminal && !json;
  cycle.log_each_failure = !terminal;
  CycleSummary summary;
  run_backup_cycle(config, cycle, summary);
  if (json) {
    std::cout << summary.to_json().dump(2) << "\n";
  } else {
    std::cout << summary.to_text();
  }
  if (summary.local_failures() > 0) {
    return k_exit_failed;
  }
  return summary.inventory_complete() ? k_exit_ok : k_exit_inventory_incomplete;
}

}  // namespace nbsync::daemon
