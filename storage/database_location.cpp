#include "storage/database_location.hpp"

namespace nbsync::storage {

DatabaseLocation database_location(const std::filesystem::path& file, const std::string& postgres_uri,
                                   const Secret& password) {
  if (postgres_uri.empty()) {
    return {file, std::nullopt};
  }
  return {postgres_uri, PostgresLocation{postgres_uri, password}};
}

std::unique_ptr<Database> open_database(const DatabaseLocation& location) {
  return location.postgres ? std::make_unique<Database>(*location.postgres) : std::make_unique<Database>(location.file);
}

std::unique_ptr<Outbox> open_outbox(const DatabaseLocation& location) {
  return location.postgres ? std::make_unique<Outbox>(*location.postgres) : std::make_unique<Outbox>(location.file);
}

std::unique_ptr<HostKeyStore> open_host_keys(const DatabaseLocation& location) {
  return location.postgres ? std::make_unique<HostKeyStore>(*location.postgres)
                           : std::make_unique<HostKeyStore>(location.file);
}

bool database_exists(const DatabaseLocation& location) {
  std::error_code ignored;
  return location.postgres.has_value() || std::filesystem::exists(location.file, ignored);
}

}  // namespace nbsync::storage
