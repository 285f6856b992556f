#include "commands/history_input.hpp"

#include <charconv>

#include "commands/input_error.hpp"
#include "storage/database_location.hpp"

namespace nbsync::commands {

std::unique_ptr<storage::Database> open_existing_database(const Config& config) {
  if (on_postgres(config)) {
    return storage::open_database(storage::database_location(config.storage.database, config.storage.postgres_uri,
                                                             config.storage.database_password));
  }
  const auto& file = config.storage.database;
  if (const std::string problem = database_path_problem(config); !problem.empty()) {
    throw InputError(problem);
  }
  if (!std::filesystem::exists(file)) {
    throw InputError(file.string() +
                     " does not exist: no backup has been stored there yet (run a cycle first, or "
                     "point storage.database at the right file)");
  }
  return std::make_unique<storage::Database>(file);
}

storage::DeviceMatch resolve_device(storage::Database& database, const std::string& name_or_id) {
  const auto matches = storage::find_devices(database, name_or_id);
  if (matches.empty()) {
    throw InputError("no device named '" + name_or_id + "' in " + database.path().string() +
                     " (use the name NetBox shows, or its NetBox id)");
  }
  if (matches.size() > 1) {
    std::string list;
    for (const auto& match : matches) {
      list.append(list.empty() ? "" : ", ").append(std::to_string(match.id)).append(" (site ").append(match.site);
      list.append(match.retired ? ", retired)" : ")");
    }
    throw InputError(std::to_string(matches.size()) + " devices are named '" + name_or_id + "': " + list +
                     "; give the NetBox id instead");
  }
  return matches.front();
}

std::int64_t parse_version_argument(const std::string& text, const storage::DeviceMatch& device) {
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc{} || end != text.data() + text.size() || number < 1) {
    throw InputError("bad version '" + text + "' for " + device.name +
                     ": versions are numbered from 1 (see nbsync history " + device.name + ")");
  }
  return number;
}

}  // namespace nbsync::commands
