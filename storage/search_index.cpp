#include "storage/search_index.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/search_index_writes.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"
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
     WHERE d.id > ?2) AS versions
   WHERE latest IS NOT NULL AND (indexed IS NULL OR indexed != latest)
   ORDER BY id
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
      FROM devices d) AS versions
   WHERE latest IS NOT NULL
   ORDER BY id
)sql";

// Once the fleet has enough configs: counts the trigrams of a sample of them, keeps the
// common ones as the plan, and empties the index so that this pass rebuilds it without
// them (it held every trigram until now). nullopt while the fleet is too small.
std::optional<detail::CommonTrigrams> choose_plan(detail::SqlConnection& sql, std::int64_t min_configs) {
  const std::int64_t configs = detail::query_integer(sql, k_fleet_configs_sql);
  if (configs < min_configs) {
    return std::nullopt;
  }
  const std::int64_t step = (configs + k_plan_sample - 1) / k_plan_sample;
  std::vector<std::string> sample;
  {
    const std::unique_ptr<detail::SqlRows> latest = sql.query(k_latest_blobs_sql);
    for (std::int64_t row = 0; latest->next(); ++row) {
      if (row % step == 0) {
        sample.push_back(latest->text(0));
      }
    }
  }
  detail::CommonTrigramCounter counter;
  for (const std::string& sha256 : sample) {
    counter.add(detail::read_config_blob(sql, sha256));
  }
  return detail::write_search_plan(sql, counter.common(), static_cast<std::int64_t>(counter.configs()));
}

// Puts the plan in force on the connection (SQLite's tokenizer and PostgreSQL's trigram
// arrays read it from there), choosing it now when there is none and the fleet has
// `min_configs` configs; false when there is none yet. A plan never changes once chosen,
// so a connection that holds one does not read it again (the writer calls this every few
// devices while it indexes).
bool plan_in_force(Database& database, std::int64_t min_configs) {
  detail::SqlConnection& sql = database.connection();
  if (!database.common_trigrams().empty()) {
    return true;
  }
  std::optional<detail::CommonTrigrams> plan = detail::read_search_plan(sql);
  if (!plan) {
    plan = choose_plan(sql, min_configs);
  }
  database.common_trigrams() = std::move(plan).value_or(detail::CommonTrigrams{});
  return plan.has_value();
}

// Indexes one device's latest version (`latest`), taking out the version it was indexed
// with (`indexed`) first.
void index_one(detail::SqlConnection& sql, detail::SearchIndexWrites& writes, const Behind& row) {
  std::optional<std::string> before;
  if (row.indexed && writes.needs_old_text()) {
    before = detail::read_config_blob(sql, *row.indexed);
  }
  const std::string after = detail::read_config_blob(sql, row.latest);
  writes.replace(row.device_id, before ? std::optional<std::string_view>(*before) : std::nullopt, after, row.latest);
}

constexpr const char* k_device_behind_sql = R"sql(
  SELECT (SELECT s.sha256 FROM snapshots s WHERE s.device_id = ?1 ORDER BY s.id DESC LIMIT 1),
         (SELECT sha256 FROM search_index_state WHERE device_id = ?1)
)sql";

// The device's row when its latest version is not the indexed one.
std::optional<Behind> behind_of(detail::SqlConnection& sql, std::int64_t device_id) {
  const std::unique_ptr<detail::SqlRows> row = sql.query(k_device_behind_sql, detail::SqlParams().add(device_id));
  if (!row->next() || row->is_null(0)) {
    return std::nullopt;
  }
  Behind behind{device_id, row->text(0), std::nullopt};
  if (!row->is_null(1)) {
    behind.indexed = row->text(1);
  }
  if (behind.indexed == behind.latest) {
    return std::nullopt;
  }
  return behind;
}

std::vector<Behind> behind_after(detail::SqlConnection& sql, std::int64_t after_device) {
  std::vector<Behind> batch;
  const std::unique_ptr<detail::SqlRows> behind =
      sql.query(k_behind_sql, detail::SqlParams().add(std::int64_t{k_batch}).add(after_device));
  while (behind->next()) {
    Behind row{behind->integer(0), behind->text(1), std::nullopt};
    if (!behind->is_null(2)) {
      row.indexed = behind->text(2);
    }
    batch.push_back(std::move(row));
  }
  return batch;
}

// On PostgreSQL, collectors sharing the database run the pass after their runs at about the
// same time: one at a time does it (a session advisory lock; the others skip it), instead
// of each indexing the same configs. Devices stored after the pass began are indexed by the
// next pass, and read as pending by a search meanwhile.
constexpr std::int64_t k_index_pass_lock = 0x6e6273796e6369;  // "nbsynci"

class IndexPassLock {
public:
  explicit IndexPassLock(detail::SqlConnection& sql) : m_sql(sql) {
    m_held = sql.backend() == detail::SqlBackend::sqlite ||
             detail::query_integer(sql, "SELECT CAST(pg_try_advisory_lock(?1) AS integer)",
                                   detail::SqlParams().add(k_index_pass_lock)) == 1;
  }
  ~IndexPassLock() {
    if (m_held && m_sql.backend() == detail::SqlBackend::postgresql) {
      try {
        detail::query_integer(m_sql, "SELECT CAST(pg_advisory_unlock(?1) AS integer)",
                              detail::SqlParams().add(k_index_pass_lock));
      } catch (const std::exception&) {
        // the session is gone, and its lock with it
      }
    }
  }
  IndexPassLock(const IndexPassLock&) = delete;
  IndexPassLock& operator=(const IndexPassLock&) = delete;
  bool held() const { return m_held; }

private:
  detail::SqlConnection& m_sql;
  bool m_held = false;
};

}  // namespace

IdleIndexResult index_devices_now(Database& database, std::span<const std::int64_t> device_ids) {
  detail::SqlConnection& sql = database.connection();
  IdleIndexResult result;
  try {
    if (!plan_in_force(database, k_plan_min_configs_mid_run)) {
      return result;  // indexed now, it would all be redone once the plan is chosen
    }
    result.plan_chosen = true;
    // In device order, as every pass indexes: collectors sharing PostgreSQL then lock the
    // rows they both write in one order, never waiting on each other in a cycle.
    std::vector<std::int64_t> ordered(device_ids.begin(), device_ids.end());
    std::sort(ordered.begin(), ordered.end());
    detail::SearchIndexWrites writes(sql, database.common_trigrams());
    sql.begin();
    for (const std::int64_t device_id : ordered) {
      if (const std::optional<Behind> row = behind_of(sql, device_id)) {
        index_one(sql, writes, *row);
        ++result.indexed;
      }
    }
    sql.commit();
    return result;
  } catch (const std::exception& e) {
    sql.rollback();
    throw detail::sql_failure(sql, "updating the search index", e);
  }
}

std::int64_t update_search_index(Database& database, const std::stop_token& stop) {
  detail::SqlConnection& sql = database.connection();
  std::int64_t indexed = 0;
  try {
    const IndexPassLock pass(sql);
    if (!pass.held()) {
      return 0;  // another collector is running the pass
    }
    plan_in_force(database, k_plan_min_configs);
    detail::SearchIndexWrites writes(sql, database.common_trigrams());
    std::int64_t after_device = std::numeric_limits<std::int64_t>::min();
    while (!stop.stop_requested()) {
      const std::vector<Behind> batch = behind_after(sql, after_device);
      if (batch.empty()) {
        return indexed;
      }
      after_device = batch.back().device_id;
      sql.begin();
      for (const auto& row : batch) {
        index_one(sql, writes, row);
        ++indexed;
      }
      sql.commit();
    }
    return indexed;
  } catch (const std::exception& e) {
    sql.rollback();
    throw detail::sql_failure(sql, "updating the search index", e);
  }
}

}  // namespace nbsync::storage
