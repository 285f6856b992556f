#pragma once
// The TOML texts of backup/profiles/*.toml, built into the binary by CMake
// (cmake/embed_profiles.cmake) so nbsync needs no data directory to run.
#include <string_view>
#include <utility>
#include <vector>

namespace nbsync::backup::detail {

// (file name, TOML text) for each shipped profile, sorted by file name.
const std::vector<std::pair<std::string_view, std::string_view>>& shipped_profiles();

}  // namespace nbsync::backup::detail
