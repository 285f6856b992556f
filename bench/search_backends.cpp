// nbsync-bench-search: search on one backend, timed. Fills a fresh database (an SQLite
// file, or a PostgreSQL URI whose database is empty) with --devices N devices, each with
// one version of the lab's generated config for its platform (20-60 KB for most, as the
// lab's devices), written through the storage layer as a cycle's writer stores them; then
// times the search index pass after the run and three searches (median of --repeat):
// a literal most configs hold, a selective literal, and a regex with no literal the index
// can use. Prints one line per figure; asserts nothing.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "lab/devices/config_generator.hpp"
#include "storage/config_grep.hpp"
#include "storage/config_search.hpp"
#include "storage/database.hpp"
#include "storage/detail/blob_writes.hpp"
#include "storage/detail/sha256.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/regex_literals.hpp"
#include "storage/search_index.hpp"

namespace {

using nbsync::storage::detail::SqlParams;
using Clock = std::chrono::steady_clock;

// (Appended, not "dev-" + ...: GCC 12 warns falsely about that in a release build.)
std::string device_name(std::int64_t id) {
  std::string name = "dev-";
  name.append(std::to_string(id));
  return name;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// This process's CPU seconds (user and system): steadier than wall time on a busy machine.
double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

std::string lab_config(std::int64_t id) {
  nbsync::lab::ConfigRequest request;
  request.seed = 1;
  request.id = id;
  request.hostname = device_name(id);
  request.platform = nbsync::lab::k_all_platforms[id % 12];
  request.version = 1;
  request.now = 1'700'000'000;
  const nbsync::lab::GeneratedConfig config = nbsync::lab::generate_config(request);
  return config.output.substr(config.body_offset);
}

// One run, N devices with one version each, in transactions of 500 devices.
void fill(nbsync::storage::Database& database, std::int64_t devices) {
  auto& sql = database.connection();
  nbsync::storage::detail::BlobWrites blobs(sql, 10);
  const std::int64_t run = nbsync::storage::detail::query_integer(
      sql, "INSERT INTO runs (started_at, finished_at) VALUES (1, 1) RETURNING id");
  for (std::int64_t id = 1; id <= devices; ++id) {
    if (id % 500 == 1) {
      sql.begin();
    }
    const std::string text = lab_config(id);
    const std::string sha256 = nbsync::storage::detail::sha256_hex(text);
    sql.execute(
        "INSERT INTO devices (id, name, platform, first_seen, last_seen, last_seen_run) VALUES (?1, ?2, ?3, 1, 1, ?4)",
        SqlParams().add(id).add(device_name(id)).add(std::to_string(id % 12)).add(run));
    blobs.store(sha256, text, std::nullopt);
    sql.execute(
        "INSERT INTO snapshots (device_id, run_id, taken_at, sha256, size, line_count, lines_added, lines_removed) "
        "VALUES (?1, ?2, 1, ?3, ?4, 0, 0, 0)",
        SqlParams().add(id).add(run).add(sha256).add(static_cast<std::int64_t>(text.size())));
    if (id % 500 == 0 || id == devices) {
      sql.commit();
    }
  }
}

struct SearchFigures {
  double seconds = 0;
  double cpu = 0;
  std::int64_t configs_read = 0;
  std::int64_t matches = 0;
};

SearchFigures search_once(nbsync::storage::Database& database, const std::string& regex) {
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  const nbsync::Pattern pattern = nbsync::storage::compile_search_pattern(regex);
  SearchFigures figures;
  nbsync::storage::ConfigSearch search(database);
  const nbsync::storage::ConfigScan scan =
      search.scan(nbsync::storage::required_literals(regex), {}, [&](const nbsync::storage::LatestConfig& latest) {
        figures.matches += nbsync::storage::for_each_matching_line(pattern, latest.text,
                                                                   [](std::int64_t, std::string_view) { return true; });
        return true;
      });
  figures.configs_read = scan.devices_read;
  figures.seconds = seconds_since(start);
  figures.cpu = cpu_seconds() - cpu_start;
  return figures;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t devices = 10000;
  int repeat = 3;
  std::string location;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--devices") {
      devices = std::stoll(argv[i + 1]);
    } else if (option == "--repeat") {
      repeat = std::stoi(argv[i + 1]);
    } else if (option == "--database") {
      location = argv[i + 1];
    }
  }
  if (location.empty()) {
    std::cerr << "usage: nbsync-bench-search --database FILE|postgresql://... [--devices N] [--repeat R]\n";
    return 2;
  }
  std::unique_ptr<nbsync::storage::Database> database =
      nbsync::storage::is_postgres_uri(location)
          ? std::make_unique<nbsync::storage::Database>(nbsync::storage::PostgresLocation{location, {}})
          : std::make_unique<nbsync::storage::Database>(std::filesystem::path(location));

  auto start = Clock::now();
  double cpu_start = cpu_seconds();
  fill(*database, devices);
  std::cout << "fill " << devices << " devices: " << seconds_since(start) << " s, nbsync CPU "
            << cpu_seconds() - cpu_start << " s\n";
  start = Clock::now();
  cpu_start = cpu_seconds();
  const std::int64_t indexed = nbsync::storage::update_search_index(*database);
  std::cout << "index pass: " << indexed << " configs in " << seconds_since(start) << " s, nbsync CPU "
            << cpu_seconds() - cpu_start << " s\n";

  for (const std::string regex : {"snmp-server community", "ntp server 10.0.3.123 prefer", R"(^hostname \S+-0?1$)"}) {
    std::vector<SearchFigures> runs;
    for (int i = 0; i < repeat; ++i) {
      runs.push_back(search_once(*database, regex));
    }
    std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.seconds < b.seconds; });
    const SearchFigures& median = runs[runs.size() / 2];
    std::cout << "search '" << regex << "': " << median.seconds << " s, nbsync CPU " << median.cpu << " s, "
              << median.configs_read << " configs read, " << median.matches << " matches\n";
  }
  return 0;
}
