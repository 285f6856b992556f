#pragma once
// Moves one table's rows from the source into the target, as copy_plan.hpp planned them:
// read in one pass, written in multi-row INSERTs (up to 256 rows or about 4 MiB of values
// each; the statements have a row count that is a power of two, so each table prepares a
// handful of them). Writes go into the target's open transaction. Ids are copied as they
// are (OVERRIDING SYSTEM VALUE: an identity column takes them); the caller moves the
// target's sequences past them.
#include <cstdint>
#include <functional>

#include "storage/detail/copy_plan.hpp"
#include "storage/detail/sql_connection.hpp"

namespace nbsync::storage::detail {

// Returns how many rows were written; calls `progress` with the rows written so far after
// each INSERT. Throws what the connections throw.
std::int64_t copy_table(SqlConnection& source, SqlConnection& target, const TableCopyPlan& plan,
                        const std::function<void(std::int64_t)>& progress);

}  // namespace nbsync::storage::detail
