#pragma once
// `nbsync run --once`: one backup cycle in the foreground, its summary on stdout (text, or
// JSON with `json`), a progress line on a terminal. Returns the exit code: 0 done, 1 when
// nbsync could not do its own part, 3 when NetBox's inventory could not be read whole.
#include <filesystem>

namespace nbsync::daemon {

int run_once(const std::filesystem::path& config_file, bool json);

}  // namespace nbsync::daemon
