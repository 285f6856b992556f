#pragma once
// What a read that did not end at the prompt means for the backup, as an Outcome whose
// message names the device, the command and what to do. Pure: the same stop always gives
// the same outcome. A shutdown (abandoned) is a timeout the caller does not record.
#include <cstddef>
#include <optional>
#include <string>

#include "backup/detail/prompt_reader.hpp"
#include "backup/device_session.hpp"
#include "backup/outcome.hpp"

namespace nbsync::backup::detail {

// The outcome of a read given up because nbsync is shutting down.
Outcome abandoned(const std::string& label);

// How a config command ended: none at the prompt; else timeout (idle, deadline, abandoned),
// too_large, incomplete (the connection dropped) or protocol. `bytes`: its output so far.
std::optional<Outcome> command_failure(const ReadStop& stop, const std::string& command, std::size_t bytes,
                                       const SessionLimits& limits, const std::string& label);

}  // namespace nbsync::backup::detail
