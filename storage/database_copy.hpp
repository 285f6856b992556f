#pragma once
// `nbsync db copy`: an SQLite nbsync database moved into an empty PostgreSQL one, with
// every run, attempt, version, host key, device state, compliance and drift result and
// pending outbox row. Which tables are copied is found from the two schemas
// (detail/copy_plan.hpp: a table a later schema step adds is copied too); the search
// index is derived and is built on the target after the copy, as the PostgreSQL store
// builds it. The whole copy is one transaction on the target, and the source is read in
// one read transaction (one state, even while a daemon writes): a copy that fails
// anywhere leaves the target as empty as it was, so it can simply be run again.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace nbsync::storage {

struct CopiedTable {
  std::string table;
  std::int64_t rows = 0;  // the same in source and target: copy_database checked
};

struct DatabaseCopy {
  std::vector<CopiedTable> tables;                 // in the order they were copied
  std::vector<std::string> columns_not_in_target;  // "table.column": the target's schema lacks them
  std::int64_t devices_indexed = 0;                // by the target's search index, after the copy
};

struct CopyProgress {
  const std::string& table;
  std::int64_t copied = 0;  // rows of `table` so far
  std::int64_t total = 0;   // rows of `table` in the source
};

// What copy_database tells as it goes (either may be empty).
struct CopyObserver {
  std::function<void(const CopyProgress&)> rows;  // as rows are written
  // The copy is committed; the search index of this many devices is built now (a few
  // milliseconds a config, the longest part of a large copy).
  std::function<void(std::int64_t devices)> indexing;
};

// Copies `source` (an SQLite database) into `target` (PostgreSQL, empty of data: no table
// that would be copied has a row), then compares every copied table's row count on both
// sides, sets the target's id sequences past the copied ids, commits and builds the
// search index. Throws DatabaseError, one line naming the database and what to do:
// a target that is not empty (naming what it holds), a count that differs (naming the
// table and both counts), or what the server or file reported; the target then holds
// nothing of the copy.
DatabaseCopy copy_database(Database& source, Database& target, const CopyObserver& observer = {});

}  // namespace nbsync::storage
