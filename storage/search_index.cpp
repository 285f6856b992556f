#include "storage/search_index.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/search_index_writes.hpp"
#include "storage/detail/sqlite_failure.hpp"
#include "storage/detail/trigrams.hpp"

namespace nbsync::storage {
namespace {

constexpr int k_batch = 200;

// Devices after ?2 (by id) whose latest version is not the indexed one: (device, latest,
// indexed or NULL). Paging by device id keeps a whole pass linear in the fleet.
constexpr const char* k_behind_sql = R"sql(
  SELECT id, latest, indexed FROM (
    SELECT d.id AS id,
           (SELECT s.sha256 FROM snapshots s WHERE s.device_id = d.id ORDER BY s.id DESC LIMIT 1) AS latest,
           st.sha256 AS indexed
      FROM devices d LEFT JOIN search_index_state st ON st.device_id = d.id
     WHERE d.id > ?2
     ORDER BY d.id)
   WHERE latest IS NOT NULL AND (indexed IS NULL OR indexed != latest)
   LIMIT ?1
)sql";

struct Behind {
  std::int64_t device_id = 0;
  std::string latest;
  std::optional<std::string> indexed;
};

// Below this many configs the common trigrams are not chosen yet (too few to tell common
// from rare); the index then holds every trigram. The sample is spread over the fleet.
constexpr std::int64_t k_plan_min_configs = 200;
constexpr std::int64_t k_plan_sample = 1000;
// During a run the fleet's size is not known yet: wait for more configs before choosing.
constexpr std::int64_t k_plan_min_configs_mid_run = 500;

constexpr const char* k_fleet_configs_sql =
    "SELECT count(*) FROM devices d WHERE EXISTS (SELECT 1 FROM snapshots s WHERE s.device_id = d.id)";
constexpr const char* k_latest_blobs_sql = R"sql(
  SELECT latest FROM (
    SELECT d.id AS id,
           (SELECT s.sha256 FROM snapshots s WHERE s.device_id = d.id ORDER BY s.id DESC LIMIT 1) AS latest
      FROM devices d)
   WHERE latest IS NOT NULL
   ORDER BY id
)sql";

// Once the fleet has enough configs: counts the trigrams of a sample of them, keeps the
// common ones as the plan, and empties the index so that this pass rebuilds it without
// them (it held every trigram until now). nullopt while the fleet is too small.
std::optional<detail::CommonTrigrams> choose_plan(Database& database, SQLite::Statement& select_blob,
                                                  std::int64_t min_configs) {
  SQLite::Database& db = database.sqlite();
  const std::int64_t configs = db.execAndGet(k_fleet_configs_sql).getInt64();
  if (configs < min_configs) {
    return std::nullopt;
  }
  const std::int64_t step = (configs + k_plan_sample - 1) / k_plan_sample;
  detail::CommonTrigramCounter counter;
  {
    SQLite::Statement latest(db, k_latest_blobs_sql);
    for (std::int64_t row = 0; latest.executeStep(); ++row) {
      if (row % step == 0) {
        counter.add(detail::read_config_blob(select_blob, database.path(), latest.getColumn(0).getString()));
      }
    }
  }
  detail::CommonTrigrams common = counter.common();
  detail::write_search_plan(db, common, static_cast<std::int64_t>(counter.configs()));
  return common;
}

// Puts the plan in force on the connection's tokenizer (choosing it now when there is
// none and the fleet has `min_configs` configs); false when there is none yet. A plan
// never changes once chosen, so a connection that holds one does not read it again (the
// writer calls this every few devices while it indexes).
bool plan_in_force(Database& database, SQLite::Statement& select_blob, std::int64_t min_configs) {
  if (!database.common_trigrams().empty()) {
    return true;
  }
  std::optional<detail::CommonTrigrams> plan = detail::read_search_plan(database.sqlite());
  if (!plan) {
    plan = choose_plan(database, select_blob, min_configs);
  }
  database.common_trigrams() = std::move(plan).value_or(detail::CommonTrigrams{});
  return plan.has_value();
}

// Indexes one device's latest version (`latest`), taking out the version it was indexed
// with (`indexed`) first.
void index_one(Database& database, SQLite::Statement& select_blob, detail::SearchIndexWrites& writes,
               const Behind& row) {
  std::optional<std::string> before;
  if (row.indexed) {
    before = detail::read_config_blob(select_blob, database.path(), *row.indexed);
  }
  const std::string after = detail::read_config_blob(select_blob, database.path(), row.latest);
  writes.replace(row.device_id, before ? std::optional<std::string_view>(*before) : std::nullopt, after, row.latest);
}

constexpr const char* k_device_behind_sql = R"sql(
  SELECT (SELECT s.sha256 FROM snapshots s WHERE s.device_id = ?1 ORDER BY s.id DESC LIMIT 1),
         (SELECT sha256 FROM search_index_state WHERE device_id = ?1)
)sql";

}  // namespace

IdleIndexResult index_devices_now(Database& database, std::span<const std::int64_t> device_ids) {
  SQLite::Database& db = database.sqlite();
  IdleIndexResult result;
  try {
    SQLite::Statement select_blob(db, detail::k_select_blob_sql);
    if (!plan_in_force(database, select_blob, k_plan_min_configs_mid_run)) {
      return result;  // indexed now, it would all be redone once the plan is chosen
    }
    result.plan_chosen = true;
    detail::SearchIndexWrites writes(db);
    SQLite::Statement behind(db, k_device_behind_sql);
    SQLite::Transaction transaction(db);
    for (const std::int64_t device_id : device_ids) {
      behind.reset();
      behind.bind(1, device_id);
      if (!behind.executeStep() || behind.getColumn(0).isNull()) {
        continue;
      }
      Behind row{device_id, behind.getColumn(0).getString(), std::nullopt};
      if (!behind.getColumn(1).isNull()) {
        row.indexed = behind.getColumn(1).getString();
        if (*row.indexed == row.latest) {
          continue;
        }
      }
      index_one(database, select_blob, writes, row);
      ++result.indexed;
    }
    transaction.commit();
    return result;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "updating the search index", e);
  }
}

std::int64_t update_search_index(Database& database) {
  SQLite::Database& db = database.sqlite();
  std::int64_t indexed = 0;
  try {
    SQLite::Statement select_blob(db, detail::k_select_blob_sql);
    plan_in_force(database, select_blob, k_plan_min_configs);
    detail::SearchIndexWrites writes(db);
    std::int64_t after_device = std::numeric_limits<std::int64_t>::min();
    while (true) {
      std::vector<Behind> batch;
      {
        SQLite::Statement behind(db, k_behind_sql);
        behind.bind(1, k_batch);
        behind.bind(2, after_device);
        while (behind.executeStep()) {
          Behind row{behind.getColumn(0).getInt64(), behind.getColumn(1).getString(), std::nullopt};
          if (!behind.getColumn(2).isNull()) {
            row.indexed = behind.getColumn(2).getString();
          }
          batch.push_back(std::move(row));
        }
      }
      if (batch.empty()) {
        return indexed;
      }
      after_device = batch.back().device_id;
      SQLite::Transaction transaction(db);
      for (const auto& row : batch) {
        index_one(database, select_blob, writes, row);
        ++indexed;
      }
      transaction.commit();
    }
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "updating the search index", e);
  }
}

}  // namespace nbsync::storage
