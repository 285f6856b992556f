#pragma once
// What `nbsync db copy` copies from an SQLite nbsync database into PostgreSQL, found from
// the two schemas rather than listed, so that a table a later schema step adds is copied
// without editing the copy: every ordinary table of the source (PRAGMA table_list: not the
// FTS5 index config_search nor its shadow tables) but the search index's state (derived:
// rebuilt on the target) and nbsync_meta (the target keeps its own), with the columns both
// sides have, each table after the tables its foreign keys name. A table
// whose rows name rows of the same table (blobs: a delta names its base) is read so that
// every row comes after the row it names.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/detail/sql_connection.hpp"

namespace nbsync::storage::detail {

// How a column's values are read from the source and bound for the target, by the
// target's column type: bytea as blobs, integer types and boolean as integers, others as text.
enum class CopiedKind { integer, text, blob };

struct CopiedColumn {
  std::string name;
  CopiedKind kind = CopiedKind::text;
};

// `column` names a row of the same table by its `referenced` column.
struct SelfReference {
  std::string column;
  std::string referenced;
};

struct TableCopyPlan {
  std::string table;
  std::vector<CopiedColumn> columns;  // in the source's column order
  std::optional<SelfReference> self_reference;
  std::vector<std::string> source_only;  // columns the target does not have: not copied
};

// The tables to copy, in an order that satisfies their foreign keys. Throws DatabaseError
// when a source table has no counterpart in the target, or the tables' foreign keys form a
// loop no order satisfies.
std::vector<TableCopyPlan> plan_copy(SqlConnection& source, SqlConnection& target);

// `name` as a quoted SQL identifier ("name", inner quotes doubled), for both engines.
std::string quoted_identifier(std::string_view name);

}  // namespace nbsync::storage::detail
