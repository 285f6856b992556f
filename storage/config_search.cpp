#include "storage/config_search.hpp"

#include <set>

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/device_columns.hpp"
#include "storage/detail/search_index_writes.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"
#include "storage/detail/trigram_array.hpp"
#include "storage/detail/trigrams.hpp"

namespace nbsync::storage {
namespace {

// Each device's latest config, by name; ?1..?3: platform, site, role or ''. The index
// narrows with more parameters after these.
constexpr std::string_view k_columns = R"sql(
  SELECT d.id, d.name, d.site, d.role, d.platform, d.tenant, d.status, d.address, d.tags,
         s.id, s.taken_at, s.sha256)sql";
constexpr std::string_view k_latest_version = R"sql(
    JOIN snapshots s ON s.id = (SELECT max(id) FROM snapshots WHERE device_id = d.id))sql";
constexpr std::string_view k_filters = R"sql(
     AND (?1 = '' OR d.platform = ?1)
     AND (?2 = '' OR d.site = ?2)
     AND (?3 = '' OR d.role = ?3))sql";
constexpr std::string_view k_by_name = " ORDER BY d.name, d.id";
constexpr std::string_view k_pending = "SELECT device_id FROM search_index_pending";

// The devices whose indexed config holds the literals, as SQL whose parameters start at
// `first`, and their values; "" when the literals cannot narrow.
struct Candidates {
  std::string sql;
  std::vector<std::string> values;  // of its parameters, in order
};

bool ascii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

// The index holds each trigram (3 bytes within a line, ASCII case folded) of a config,
// except the common ones; a config holds a literal only if it holds each of the literal's
// trigrams, so those the index holds narrow to a safe superset. Trigrams with non-ASCII
// bytes are left out (case folding of those is not byte-wise).
std::set<std::string> narrowing_trigrams(const std::vector<std::string>& required_literals,
                                         const detail::CommonTrigrams& common) {
  std::set<std::string> trigrams;
  for (const auto& literal : required_literals) {
    for (std::size_t i = 0; i + 3 <= literal.size(); ++i) {
      const std::string_view trigram = std::string_view(literal).substr(i, 3);
      if (ascii(trigram) && !common.contains(detail::trigram_key(trigram.data()))) {
        trigrams.emplace(trigram);
      }
    }
  }
  return trigrams;
}

Candidates index_candidates(detail::SqlConnection& sql, const std::vector<std::string>& required_literals, int first) {
  Candidates candidates;
  const detail::CommonTrigrams common = detail::read_search_plan(sql).value_or(detail::CommonTrigrams{});
  std::string parameter = "?";
  parameter.append(std::to_string(first));  // (appended: GCC 12 warns falsely about "?" + ...)
  if (sql.backend() == detail::SqlBackend::sqlite) {
    const std::string expression = ConfigSearch::match_expression(required_literals, common);
    if (!expression.empty()) {
      candidates.sql = "SELECT rowid AS id FROM config_search WHERE config_search MATCH ";
      candidates.sql.append(parameter);
      candidates.values.push_back(expression);
    }
    return candidates;
  }
  std::set<std::uint32_t> keys;
  for (const std::string& trigram : narrowing_trigrams(required_literals, common)) {
    keys.insert(detail::trigram_key(trigram.data()));
  }
  if (!keys.empty()) {
    candidates.sql = "SELECT device_id AS id FROM config_search WHERE trigrams @> CAST(";
    candidates.sql.append(parameter).append(" AS integer[])");
    candidates.values.push_back(detail::trigram_array(keys));
  }
  return candidates;
}

// Whether the index's candidates and the devices not indexed yet are `few` at most.
bool few_candidates(detail::SqlConnection& sql, const Candidates& candidates, std::int64_t few) {
  const std::string limit = " LIMIT " + std::to_string(few + 1) + ") c";
  detail::SqlParams params;
  for (const auto& value : candidates.values) {
    params.add(value);
  }
  return detail::query_integer(sql, "SELECT count(*) FROM (" + candidates.sql + limit, params) +
             detail::query_integer(sql, "SELECT count(*) FROM (" + std::string(k_pending) + limit) <=
         few;
}

// The query and its parameters for `required_literals` on this backend; `narrowed` false
// when they cannot narrow (every config is read).
struct LatestQuery {
  std::string sql;
  detail::SqlParams params;
  bool narrowed = false;
};

LatestQuery latest_query(detail::SqlConnection& sql, const std::vector<std::string>& required_literals,
                         const DeviceFilter& filter, std::int64_t few) {
  LatestQuery query;
  query.params.add(filter.platform).add(filter.site).add(filter.role);
  const Candidates candidates = index_candidates(sql, required_literals, 4);
  query.narrowed = !candidates.sql.empty();
  query.sql = k_columns;
  if (query.narrowed && few_candidates(sql, index_candidates(sql, required_literals, 1), few)) {
    // The candidates first (SQLite's CROSS JOIN keeps that order of loops), then sorted.
    query.sql.append(" FROM (").append(candidates.sql).append(" UNION ").append(k_pending);
    query.sql.append(") c CROSS JOIN devices d").append(k_latest_version);
    query.sql.append(" WHERE d.id = c.id AND d.retired_at IS NULL").append(k_filters);
  } else {
    query.sql.append(" FROM devices d").append(k_latest_version).append(" WHERE d.retired_at IS NULL");
    query.sql.append(k_filters);
    if (query.narrowed) {
      query.sql.append(" AND (d.id IN (").append(candidates.sql).append(") OR d.id IN (").append(k_pending);
      query.sql.append("))");
    }
  }
  for (const auto& value : candidates.values) {
    query.params.add(value);
  }
  query.sql.append(k_by_name);
  return query;
}

}  // namespace

ConfigSearch::ConfigSearch(Database& database, std::int64_t few_candidates)
    : m_database(database), m_few_candidates(few_candidates) {}

std::string ConfigSearch::match_expression(const std::vector<std::string>& required_literals,
                                           const detail::CommonTrigrams& common) {
  const std::set<std::string> trigrams = narrowing_trigrams(required_literals, common);
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
  detail::SqlConnection& sql = m_database.connection();
  try {
    ConfigScan scan;
    // One read transaction: a writer committing meanwhile cannot make a device's latest
    // snapshot and its blob disagree, nor the plan and the index.
    sql.begin_read();
    const LatestQuery query = latest_query(sql, required_literals, filter, m_few_candidates);
    scan.narrowed = query.narrowed;
    if (query.narrowed && sql.backend() == detail::SqlBackend::postgresql) {
      // PostgreSQL's planner cannot tell how few devices hold a set of trigrams and may
      // read every array of config_search; the GIN index reads only the candidates.
      sql.execute_script("SET LOCAL enable_seqscan = off");
    }
    const std::unique_ptr<detail::SqlRows> rows = sql.query(query.sql, query.params);
    LatestConfig latest;
    while (rows->next()) {
      latest.device = detail::device_from_columns(*rows);
      if (wanted && !wanted(latest.device)) {
        continue;
      }
      latest.snapshot_id = rows->integer(9);
      latest.taken_at = rows->integer(10);
      latest.text = detail::read_config_blob(sql, rows->text(11));
      ++scan.devices_read;
      if (!visit(latest)) {
        break;
      }
    }
    sql.commit();
    return scan;
  } catch (const std::exception& e) {
    sql.rollback();
    throw detail::sql_failure(sql, "searching the latest configs", e);
  }
}

}  // namespace nbsync::storage
