#pragma once
// `nbsync web -c FILE`: serves the config history viewer ([web] listen) read-only from the
// database, without running backups, until SIGTERM or SIGINT; exit 0 then.
#include <filesystem>

namespace nbsync::web {

int run_web(const std::filesystem::path& config_path);

}  // namespace nbsync::web
