#include "storage/compliance_history.hpp"

#include <SQLiteCpp/Statement.h>

#include "storage/detail/sqlite_failure.hpp"

namespace nbsync::storage {
namespace {

// SQLite gives the bare column `c.passed` from the row holding max(c.checked_at).
constexpr const char* k_failing_since_sql = R"sql(
  WITH checked AS (
    SELECT s.id, s.taken_at, c.passed, max(c.checked_at)
      FROM snapshots s JOIN compliance_results c ON c.snapshot_id = s.id
     WHERE s.device_id = ?1 AND c.rule = ?2
     GROUP BY s.id)
  SELECT min(taken_at) FROM checked
   WHERE passed = 0 AND id > coalesce((SELECT max(id) FROM checked WHERE passed = 1), 0)
     AND NOT EXISTS (SELECT 1 FROM checked newest WHERE newest.passed = 1
                      AND newest.id = (SELECT max(id) FROM checked))
)sql";

}  // namespace

std::optional<std::int64_t> compliance_failing_since(Database& database, std::int64_t device_id,
                                                     const std::string& rule) {
  try {
    SQLite::Statement select(database.sqlite(), k_failing_since_sql);
    select.bind(1, device_id);
    select.bind(2, rule);
    if (select.executeStep() && !select.getColumn(0).isNull()) {
      return select.getColumn(0).getInt64();
    }
    return std::nullopt;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "reading compliance history", e);
  }
}

}  // namespace nbsync::storage
