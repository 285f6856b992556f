#include "commands/outbox_command.hpp"

#include <cstdint>
#include <iostream>

#include "commands/input_error.hpp"
#include "storage/outbox.hpp"

namespace nbsync::commands {

int run_outbox_retry(const Config& config, const std::string& channel) {
  if (const std::string problem = database_path_problem(config); !problem.empty()) {
    throw InputError(problem);
  }
  storage::Outbox outbox(config.storage.database);
  const std::int64_t requeued = outbox.requeue_refused(channel);
  std::cout << requeued << " refused message(s) queued again; the next cycle (or `nbsync run --once`) sends them\n";
  return k_exit_ok;
}

}  // namespace nbsync::commands
