#include "storage/database_copy.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include "storage/detail/copy_plan.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"
#include "storage/detail/table_copy.hpp"
#include "storage/search_index.hpp"

namespace nbsync::storage {
namespace {

using detail::SqlConnection;
using detail::TableCopyPlan;

// The target's id columns that a sequence fills (identity or serial).
constexpr const char* k_sequence_columns_sql = R"sql(
  SELECT table_name, column_name FROM information_schema.columns
   WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')
)sql";

std::int64_t count_rows(SqlConnection& sql, const std::string& table) {
  return detail::query_integer(sql, "SELECT count(*) FROM " + detail::quoted_identifier(table));
}

void require_empty(SqlConnection& target, const std::vector<TableCopyPlan>& plan) {
  std::string found;
  for (const TableCopyPlan& table : plan) {
    if (const std::int64_t rows = count_rows(target, table.table); rows > 0) {
      found.append(found.empty() ? "" : ", ").append(std::to_string(rows)).append(" rows in ").append(table.table);
    }
  }
  if (!found.empty()) {
    throw DatabaseError(target.name() + ": not empty: it holds " + found +
                        "; db copy fills only an empty database (create a new one as README's \"Moving to "
                        "PostgreSQL\" says, and copy into that)");
  }
}

void check_counts(SqlConnection& source, SqlConnection& target, const std::vector<CopiedTable>& tables) {
  for (const CopiedTable& table : tables) {
    const std::int64_t in_source = count_rows(source, table.table);
    const std::int64_t in_target = count_rows(target, table.table);
    if (in_source != in_target || in_target != table.rows) {
      throw DatabaseError("db copy: table " + table.table + " has " + std::to_string(in_source) + " rows in " +
                          source.name() + " but " + std::to_string(in_target) + " in " + target.name() +
                          "; nothing was committed (the target is as empty as before)");
    }
  }
}

// New rows get ids after the copied ones: each sequence restarts past its column's largest id.
void move_sequences(SqlConnection& target, const std::vector<TableCopyPlan>& plan) {
  std::vector<std::pair<std::string, std::string>> columns;
  {
    const std::unique_ptr<detail::SqlRows> rows = target.query(k_sequence_columns_sql);
    while (rows->next()) {
      columns.emplace_back(rows->text(0), rows->text(1));
    }
  }
  for (const auto& table_column : columns) {
    const std::string& table = table_column.first;  // not a structured binding: clang 14 cannot capture one
    const std::string& column = table_column.second;
    const bool copied =
        std::any_of(plan.begin(), plan.end(), [&](const TableCopyPlan& copy) { return copy.table == table; });
    if (copied) {
      const std::string quoted = detail::quoted_identifier(table);
      target
          .query("SELECT setval(pg_get_serial_sequence(?1, ?2), coalesce(max(" + detail::quoted_identifier(column) +
                     "), 0) + 1, false) FROM " + quoted,
                 detail::SqlParams().add(quoted).add(column))
          ->next();
    }
  }
}

DatabaseError copy_failure(const SqlConnection& source, const SqlConnection& target, const std::string& doing,
                           const std::exception& error) {
  if (const auto* database_error = dynamic_cast<const DatabaseError*>(&error)) {
    return *database_error;  // names the database and what to do already
  }
  const bool on_target = dynamic_cast<const detail::PostgresError*>(&error) != nullptr;
  const DatabaseError failure = detail::sql_failure(on_target ? target : source, doing, error);
  return DatabaseError(std::string(failure.what()) + "; nothing was committed (the target is as empty as before)");
}

}  // namespace

DatabaseCopy copy_database(Database& source_database, Database& target_database, const CopyObserver& observer) {
  SqlConnection& source = source_database.connection();
  SqlConnection& target = target_database.connection();
  if (source.backend() != detail::SqlBackend::sqlite || target.backend() != detail::SqlBackend::postgresql) {
    throw DatabaseError("db copy copies an SQLite database into PostgreSQL, not " + source.name() + " into " +
                        target.name());
  }
  DatabaseCopy copy;
  std::string doing = "reading the two schemas";
  try {
    source.begin_read();
    target.begin();
    const std::vector<TableCopyPlan> plan = detail::plan_copy(source, target);
    require_empty(target, plan);
    for (const TableCopyPlan& table : plan) {
      doing = "copying table " + table.table;
      const std::int64_t total = count_rows(source, table.table);
      const std::int64_t rows = detail::copy_table(source, target, table, [&](std::int64_t copied) {
        if (observer.rows) {
          observer.rows(CopyProgress{table.table, copied, total});
        }
      });
      copy.tables.push_back({table.table, rows});
      for (const std::string& column : table.source_only) {
        copy.columns_not_in_target.push_back(table.table + "." + column);
      }
    }
    doing = "checking the row counts";
    check_counts(source, target, copy.tables);
    doing = "moving the id sequences past the copied ids";
    move_sequences(target, plan);
    doing = "committing the copy";
    target.commit();
    source.commit();
  } catch (const std::exception& e) {
    target.rollback();
    source.rollback();
    throw copy_failure(source, target, doing, e);
  }
  try {
    if (observer.indexing) {
      observer.indexing(detail::query_integer(target, "SELECT count(*) FROM search_index_pending"));
    }
    copy.devices_indexed = update_search_index(target_database);
  } catch (const DatabaseError& e) {
    throw DatabaseError(std::string(e.what()) +
                        " (the copy itself is committed; nbsync's next cycle completes the search index)");
  }
  return copy;
}

}  // namespace nbsync::storage
