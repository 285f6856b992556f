#pragma once
// What the history commands (history, show, diff, changes) resolve from the command line
// before they query: the database, which must already exist (they never create one), and
// the one device a name or NetBox id stands for. Anything missing or ambiguous throws
// InputError with a line that says what to do instead.
#include <memory>
#include <string>

#include "config/config.hpp"
#include "storage/database.hpp"
#include "storage/device_lookup.hpp"

namespace nbsync::commands {

std::unique_ptr<storage::Database> open_existing_database(const Config& config);
// `name_or_id` as NetBox shows the name, or the NetBox id.
storage::DeviceMatch resolve_device(storage::Database& database, const std::string& name_or_id);
// A version number as typed ("3"); throws InputError naming `device` when it is not one.
std::int64_t parse_version_argument(const std::string& text, const storage::DeviceMatch& device);

}  // namespace nbsync::commands
