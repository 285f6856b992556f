#include "storage/detail/table_copy.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace nbsync::storage::detail {
namespace {

constexpr std::size_t k_most_rows = 256;
constexpr std::size_t k_most_bytes = 4u << 20;
constexpr std::size_t k_most_parameters = 65535;  // PostgreSQL's limit per statement

std::string column_list(const TableCopyPlan& plan, std::string_view prefix) {
  std::string list;
  for (const CopiedColumn& column : plan.columns) {
    list.append(list.empty() ? "" : ", ").append(prefix).append(quoted_identifier(column.name));
  }
  return list;
}

// The rows in an order that satisfies the foreign keys among them: a table referring to
// itself is read rows that name none first, then those naming them, and so on (SQLite's
// recursive CTE, its queue ordered by that depth; CROSS JOIN keeps the CTE the outer loop).
std::string select_sql(const TableCopyPlan& plan) {
  const std::string table = quoted_identifier(plan.table);
  if (!plan.self_reference) {
    return "SELECT " + column_list(plan, "") + " FROM " + table;
  }
  const std::string column = quoted_identifier(plan.self_reference->column);
  const std::string referenced = quoted_identifier(plan.self_reference->referenced);
  return "WITH RECURSIVE chain (ref_key, depth_level) AS (SELECT " + referenced + ", 0 FROM " + table + " WHERE " +
         column + " IS NULL UNION ALL SELECT t." + referenced + ", chain.depth_level + 1 FROM chain JOIN " + table +
         " t ON t." + column + " = chain.ref_key ORDER BY 2) SELECT " + column_list(plan, "t.") +
         " FROM chain CROSS JOIN " + table + " t ON t." + referenced + " = chain.ref_key";
}

std::string insert_sql(const TableCopyPlan& plan, std::size_t rows) {
  std::string sql = "INSERT INTO " + quoted_identifier(plan.table) + " (" + column_list(plan, "") +
                    ") OVERRIDING SYSTEM VALUE VALUES ";
  std::size_t parameter = 0;
  for (std::size_t row = 0; row < rows; ++row) {
    sql.append(row == 0 ? "(" : ", (");
    for (std::size_t column = 0; column < plan.columns.size(); ++column) {
      sql.append(column == 0 ? "?" : ", ?").append(std::to_string(++parameter));
    }
    sql.append(")");
  }
  return sql;
}

// PostgreSQL's text cannot hold a NUL byte (libpq would cut the value there): refused
// rather than copied short.
std::string checked_text(std::string text, const SqlConnection& source, const TableCopyPlan& plan,
                         const CopiedColumn& column) {
  if (text.find('\0') != std::string::npos) {
    throw DatabaseError(source.name() + ": a row of table " + plan.table + " holds a NUL byte in column " +
                        column.name +
                        ", which PostgreSQL's text cannot hold; nothing was committed (fix that row in the "
                        "SQLite file, then copy again)");
  }
  return text;
}

SqlParams::Value read_value(const SqlRows& rows, int index, const SqlConnection& source, const TableCopyPlan& plan) {
  if (rows.is_null(index)) {
    return {};
  }
  const CopiedColumn& column = plan.columns[static_cast<std::size_t>(index)];
  switch (column.kind) {
    case CopiedKind::integer:
      return {SqlParams::Kind::integer, rows.integer(index), {}};
    case CopiedKind::blob:
      return {SqlParams::Kind::blob, 0, rows.blob(index)};
    case CopiedKind::text:
      break;
  }
  return {SqlParams::Kind::text, 0, checked_text(rows.text(index), source, plan, column)};
}

// The rows read but not written yet, written in statements of a power-of-two row count.
class PendingRows {
public:
  PendingRows(SqlConnection& target, const TableCopyPlan& plan)
      : m_target(target), m_plan(plan), m_width(plan.columns.size()) {
    const std::size_t fit = std::min(k_most_rows, k_most_parameters / std::max<std::size_t>(m_width, 1));
    while (m_statement_rows * 2 <= fit) {
      m_statement_rows *= 2;
    }
  }

  void add(SqlParams::Value value) {
    m_bytes += value.bytes.size() + sizeof(value);
    m_values.push_back(std::move(value));
  }
  // After each row: writes when a statement's worth is waiting.
  bool full() const { return m_values.size() >= m_statement_rows * m_width || m_bytes >= k_most_bytes; }
  // Writes every waiting row; returns how many.
  std::int64_t write() {
    const std::size_t rows = m_width == 0 ? 0 : m_values.size() / m_width;
    std::size_t done = 0;
    for (std::size_t size = m_statement_rows; size >= 1; size /= 2) {
      while (rows - done >= size) {
        write_rows(done, size);
        done += size;
      }
    }
    m_values.clear();
    m_bytes = 0;
    return static_cast<std::int64_t>(rows);
  }

private:
  void write_rows(std::size_t first, std::size_t rows) {
    SqlParams params;
    for (std::size_t i = first * m_width; i < (first + rows) * m_width; ++i) {
      params.add(std::move(m_values[i]));
    }
    std::string& sql = m_insert_sql[rows];
    if (sql.empty()) {
      sql = insert_sql(m_plan, rows);
    }
    m_target.execute(sql, params);
  }

  SqlConnection& m_target;
  const TableCopyPlan& m_plan;
  std::size_t m_width;
  std::size_t m_statement_rows = 1;
  std::vector<SqlParams::Value> m_values;
  std::size_t m_bytes = 0;
  std::map<std::size_t, std::string> m_insert_sql;  // by rows per statement
};

}  // namespace

std::int64_t copy_table(SqlConnection& source, SqlConnection& target, const TableCopyPlan& plan,
                        const std::function<void(std::int64_t)>& progress) {
  if (plan.columns.empty()) {
    return 0;
  }
  PendingRows pending(target, plan);
  std::int64_t written = 0;
  const std::unique_ptr<SqlRows> rows = source.query(select_sql(plan));
  while (rows->next()) {
    for (std::size_t column = 0; column < plan.columns.size(); ++column) {
      pending.add(read_value(*rows, static_cast<int>(column), source, plan));
    }
    if (pending.full()) {
      written += pending.write();
      progress(written);
    }
  }
  written += pending.write();
  progress(written);
  return written;
}

}  // namespace nbsync::storage::detail
