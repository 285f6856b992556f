#include "commands/outbox_command.hpp"

#include <cstdint>
#include <iostream>

#include "commands/input_error.hpp"
#include "storage/database_location.hpp"
#include "storage/outbox.hpp"

namespace nbsync::commands {

int run_outbox_retry(const Config& config, const std::string& channel) {
  if (const std::string problem = database_path_problem(config); !problem.empty()) {
    throw InputError(problem);
  }
  const auto outbox = storage::open_outbox(storage::database_location(
      config.storage.database, config.storage.postgres_uri, config.storage.database_password));
  const std::int64_t requeued = outbox->requeue_refused(channel);
  std::cout << requeued << " refused message(s) queued again; the next cycle (or `nbsync run --once`) sends them\n";
  return k_exit_ok;
}

}  // namespace nbsync::commands
