#include "storage/config_search.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <set>

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/device_columns.hpp"
#include "storage/detail/search_index_writes.hpp"
#include "storage/detail/sqlite_failure.hpp"
#include "storage/detail/trigrams.hpp"

namespace nbsync::storage {
namespace {

// ?1: FTS5 match expression or '' (no narrowing); ?2..?4: platform, site, role or ''.
constexpr const char* k_latest_sql = R"sql(
  SELECT d.id, d.name, d.site, d.role, d.platform, d.tenant, d.status, d.address, d.tags,
         s.id, s.taken_at, s.sha256
    FROM devices d
    JOIN snapshots s ON s.id = (SELECT max(id) FROM snapshots WHERE device_id = d.id)
   WHERE d.retired_at IS NULL
     AND (?1 = '' OR d.id IN (SELECT rowid FROM config_search WHERE config_search MATCH ?1)
          OR NOT EXISTS (SELECT 1 FROM search_index_state i WHERE i.device_id = d.id AND i.sha256 = s.sha256))
     AND (?2 = '' OR d.platform = ?2)
     AND (?3 = '' OR d.site = ?3)
     AND (?4 = '' OR d.role = ?4)
   ORDER BY d.name, d.id
)sql";

bool ascii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

}  // namespace

ConfigSearch::ConfigSearch(Database& database) : m_database(database) {}

std::string ConfigSearch::match_expression(const std::vector<std::string>& required_literals,
                                           const detail::CommonTrigrams& common) {
  // The index holds each trigram (3 bytes within a line, ASCII case folded) of a config,
  // except the common ones; a config holds a literal only if it holds each of the
  // literal's trigrams, so the AND of those the index holds is a safe superset. Trigrams
  // with non-ASCII bytes are left out (case folding of those is not byte-wise).
  std::set<std::string> trigrams;
  for (const auto& literal : required_literals) {
    for (std::size_t i = 0; i + 3 <= literal.size(); ++i) {
      const std::string_view trigram = std::string_view(literal).substr(i, 3);
      if (ascii(trigram) && !common.contains(detail::trigram_key(trigram.data()))) {
        trigrams.emplace(trigram);
      }
    }
  }
  std::string expression;
  for (const auto& trigram : trigrams) {
    expression.append(expression.empty() ? "\"" : " AND \"");
    for (const char c : trigram) {
      expression.append(c == '"' ? "\"\"" : std::string(1, c));
    }
    expression.append("\"");
  }
  return expression;
}

ConfigScan ConfigSearch::scan(const std::vector<std::string>& required_literals, const DeviceFilter& filter,
                              const std::function<bool(const LatestConfig&)>& visit,
                              const std::function<bool(const DeviceRecord&)>& wanted) {
  SQLite::Database& db = m_database.sqlite();
  try {
    ConfigScan scan;
    // One read transaction: a writer committing meanwhile cannot make a device's latest
    // snapshot and its blob disagree, nor the plan and the index.
    SQLite::Transaction read(db, SQLite::TransactionBehavior::DEFERRED);
    const std::string expression =
        match_expression(required_literals, detail::read_search_plan(db).value_or(detail::CommonTrigrams{}));
    scan.narrowed = !expression.empty();
    SQLite::Statement select(db, k_latest_sql);
    SQLite::Statement select_blob(db, detail::k_select_blob_sql);
    select.bind(1, expression);
    select.bind(2, filter.platform);
    select.bind(3, filter.site);
    select.bind(4, filter.role);
    LatestConfig latest;
    while (select.executeStep()) {
      latest.device = detail::device_from_columns(select);
      if (wanted && !wanted(latest.device)) {
        continue;
      }
      latest.snapshot_id = select.getColumn(9).getInt64();
      latest.taken_at = select.getColumn(10).getInt64();
      latest.text = detail::read_config_blob(select_blob, m_database.path(), select.getColumn(11).getString());
      ++scan.devices_read;
      if (!visit(latest)) {
        break;
      }
    }
    return scan;
  } catch (const DatabaseError&) {
    throw;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "searching the latest configs", e);
  }
}

}  // namespace nbsync::storage
