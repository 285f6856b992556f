#include "commands/db_copy_command.hpp"

#include <chrono>
#include <iostream>

#include "commands/input_error.hpp"
#include "commands/text_table.hpp"
#include "config/config.hpp"
#include "config/postgres_uri.hpp"
#include "config/secret_option.hpp"
#include "storage/database_copy.hpp"
#include "storage/database_location.hpp"

namespace nbsync::commands {
namespace {

constexpr auto k_progress_every = std::chrono::seconds(5);

void check_target(const std::string& to) {
  if (!storage::is_postgres_uri(to)) {
    throw InputError(
        "--to: expected a PostgreSQL URI (postgresql://user@host:port/database?sslmode=...); db copy "
        "copies into PostgreSQL");
  }
  if (const std::string problem = postgres_uri_password_problem(to); !problem.empty()) {
    throw InputError("--to: " + problem +
                     "; remove it and put the password in a file named by --to-password-file (or in ~/.pgpass)");
  }
}

// The SQLite file to copy: --from, or the config's storage.database.
std::filesystem::path source_file(const DbCopyOptions& options) {
  if (!options.from.empty()) {
    return options.from;
  }
  const Config config = load_config(options.config);
  if (on_postgres(config)) {
    throw InputError(options.config.string() +
                     ": storage.database is PostgreSQL already; name the SQLite file to copy with --from");
  }
  if (const std::string problem = database_path_problem(config); !problem.empty()) {
    throw InputError(problem);
  }
  return config.storage.database;
}

void require_database_file(const std::filesystem::path& file) {
  std::error_code error;
  if (!std::filesystem::exists(file, error)) {
    throw InputError(file.string() +
                     " does not exist: nothing to copy (name the SQLite database nbsync wrote with --from, or "
                     "check storage.database in the config)");
  }
  if (!std::filesystem::is_regular_file(file, error)) {
    throw InputError(file.string() + ": not a file; name the SQLite database file nbsync wrote (--from FILE)");
  }
}

// A line on stderr now and then while a large table is copied.
class ProgressLines {
public:
  void operator()(const storage::CopyProgress& progress) {
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last < k_progress_every || progress.copied == progress.total) {
      return;
    }
    m_last = now;
    std::cerr << "db copy: " << progress.table << ": " << progress.copied << " of " << progress.total << " rows\n";
  }

private:
  std::chrono::steady_clock::time_point m_last = std::chrono::steady_clock::now();
};

void print_copy(const storage::DatabaseCopy& copy, const std::string& from, const std::string& to) {
  TextTable table({{"TABLE", TextTable::Align::left}, {"ROWS", TextTable::Align::right}});
  std::int64_t rows = 0;
  for (const storage::CopiedTable& copied : copy.tables) {
    table.add_row({copied.table, std::to_string(copied.rows)});
    rows += copied.rows;
  }
  std::cout << table.render();
  for (const std::string& column : copy.columns_not_in_target) {
    std::cout << "not copied: column " << column << " (PostgreSQL's schema has no such column)\n";
  }
  std::cout << "copied " << rows << " rows in " << copy.tables.size() << " tables from " << from << " to " << to
            << ", row counts checked; search index built for " << copy.devices_indexed << " devices\n";
}

}  // namespace

int run_db_copy(const DbCopyOptions& options) {
  check_target(options.to);
  const Secret password =
      options.to_password_file.empty() ? Secret() : read_secret_option("--to-password-file", options.to_password_file);
  const std::filesystem::path file = source_file(options);
  require_database_file(file);
  storage::Database source(file);
  const auto target = storage::open_database(storage::database_location({}, options.to, password));
  storage::CopyObserver observer;
  observer.rows = ProgressLines();
  observer.indexing = [](std::int64_t devices) {
    std::cerr << "db copy: copied and committed; building PostgreSQL's search index of " << devices
              << " devices' latest configs (a few ms a 50 KB config)\n";
  };
  const storage::DatabaseCopy copy = storage::copy_database(source, *target, observer);
  print_copy(copy, file.string(), options.to);
  return k_exit_ok;
}

}  // namespace nbsync::commands
