#include "storage/detail/copy_plan.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <memory>

#include "storage/database.hpp"

namespace nbsync::storage::detail {
namespace {

// Never copied: what SQLite's search index holds and lags behind (PostgreSQL's is built
// after the copy), the trigrams it leaves out (chosen again from the target's configs), and the
// bookkeeping about the database itself (the target keeps its own).
constexpr std::array<std::string_view, 4> k_not_copied = {"search_index_state", "search_index_pending",
                                                          "search_index_plan", "nbsync_meta"};

// Ordinary tables in the order they were created (FTS5's virtual and shadow tables are not).
constexpr const char* k_source_tables_sql = R"sql(
  SELECT s.name FROM sqlite_schema s JOIN pragma_table_list l ON l.schema = 'main' AND l.name = s.name
   WHERE s.type = 'table' AND l.type = 'table' AND s.name NOT LIKE 'sqlite\_%' ESCAPE '\'
   ORDER BY s.rowid
)sql";
constexpr const char* k_source_columns_sql = "SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid";
constexpr const char* k_source_references_sql =
    R"sql(SELECT "table", "from", "to" FROM pragma_foreign_key_list(?1))sql";
constexpr const char* k_target_columns_sql = R"sql(
  SELECT column_name, data_type FROM information_schema.columns
   WHERE table_schema = current_schema() AND table_name = ?1
)sql";

struct SourceTable {
  TableCopyPlan plan;
  std::vector<std::string> references;  // the other tables its foreign keys name
};

bool is_copied(const std::string& table) {
  return std::find(k_not_copied.begin(), k_not_copied.end(), table) == k_not_copied.end();
}

CopiedKind kind_of(const std::string& target_type) {
  if (target_type == "bytea") {
    return CopiedKind::blob;
  }
  if (target_type == "bigint" || target_type == "integer" || target_type == "smallint" || target_type == "boolean") {
    return CopiedKind::integer;
  }
  return CopiedKind::text;
}

std::map<std::string, std::string> target_columns(SqlConnection& target, const std::string& table) {
  std::map<std::string, std::string> types;
  const std::unique_ptr<SqlRows> rows = target.query(k_target_columns_sql, SqlParams().add(table));
  while (rows->next()) {
    types[rows->text(0)] = rows->text(1);
  }
  return types;
}

// The table's columns as both sides have them; returns its primary key column ('' if none
// or several).
std::string read_columns(SqlConnection& source, SqlConnection& target, TableCopyPlan& plan) {
  const std::map<std::string, std::string> types = target_columns(target, plan.table);
  if (types.empty()) {
    throw DatabaseError(target.name() + ": has no table " + plan.table + ", which " + source.name() +
                        " has; is this nbsync older than the one that wrote it? Copy with the nbsync that wrote it");
  }
  std::string primary_key;
  const std::unique_ptr<SqlRows> rows = source.query(k_source_columns_sql, SqlParams().add(plan.table));
  while (rows->next()) {
    const std::string name = rows->text(0);
    if (rows->integer(1) == 1) {
      primary_key = name;
    }
    const auto type = types.find(name);
    if (type == types.end()) {
      plan.source_only.push_back(name);
    } else {
      plan.columns.push_back({name, kind_of(type->second)});
    }
  }
  return primary_key;
}

SourceTable read_table(SqlConnection& source, SqlConnection& target, const std::string& table) {
  SourceTable read{{table, {}, std::nullopt, {}}, {}};
  const std::string primary_key = read_columns(source, target, read.plan);
  const std::unique_ptr<SqlRows> references = source.query(k_source_references_sql, SqlParams().add(table));
  while (references->next()) {
    const std::string referenced = references->text(0);
    if (referenced != table) {
      read.references.push_back(referenced);
      continue;
    }
    if (read.plan.self_reference) {
      throw DatabaseError(source.name() + ": table " + table +
                          " refers to itself through more than one column, which db copy cannot order");
    }
    // No `to` column: the reference names the primary key.
    read.plan.self_reference =
        SelfReference{references->text(1), references->is_null(2) ? primary_key : references->text(2)};
  }
  return read;
}

// Each table after the tables it refers to; among those free to go, the one created first.
std::vector<TableCopyPlan> in_reference_order(std::vector<SourceTable> tables) {
  std::vector<TableCopyPlan> ordered;
  std::vector<std::string> placed;
  const auto is_placed = [&](const std::string& table) {
    return std::find(placed.begin(), placed.end(), table) != placed.end();
  };
  while (!tables.empty()) {
    const auto next = std::find_if(tables.begin(), tables.end(), [&](const SourceTable& table) {
      return std::all_of(table.references.begin(), table.references.end(), [&](const std::string& referenced) {
        return is_placed(referenced) || !is_copied(referenced);
      });
    });
    if (next == tables.end()) {
      std::string left;
      for (const SourceTable& table : tables) {
        left.append(left.empty() ? "" : ", ").append(table.plan.table);
      }
      throw DatabaseError("the foreign keys of tables " + left +
                          " refer to each other in a loop, which db copy cannot order");
    }
    placed.push_back(next->plan.table);
    ordered.push_back(std::move(next->plan));
    tables.erase(next);
  }
  return ordered;
}

}  // namespace

std::vector<TableCopyPlan> plan_copy(SqlConnection& source, SqlConnection& target) {
  std::vector<std::string> names;
  {
    const std::unique_ptr<SqlRows> rows = source.query(k_source_tables_sql);
    while (rows->next()) {
      names.push_back(rows->text(0));
    }
  }
  std::vector<SourceTable> tables;
  for (const std::string& name : names) {
    if (is_copied(name)) {
      tables.push_back(read_table(source, target, name));
    }
  }
  return in_reference_order(std::move(tables));
}

std::string quoted_identifier(std::string_view name) {
  std::string quoted = "\"";
  for (const char c : name) {
    quoted.append(c == '"' ? "\"\"" : std::string(1, c));
  }
  return quoted + "\"";
}

}  // namespace nbsync::storage::detail
