#include "storage/detail/sqlite_failure.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <string>

namespace nbsync::storage::detail {

std::string advice_for(int code, const std::filesystem::path& database) {
  const std::string file = database.string();
  const std::string directory = database.parent_path().empty() ? "." : database.parent_path().string();
  switch (code) {
    case SQLITE_FULL:
      return "the disk holding " + directory +
             " is full (or the database reached its size limit): free space there, then run nbsync again";
    case SQLITE_IOERR:
      return "the disk holding " + file + " reported an I/O error: check it and the kernel log (dmesg)";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return "nbsync cannot write " + file + ": check that its user can write the file and " + directory +
             ", and that the filesystem is mounted read-write";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "another process holds " + file + " locked: make sure only one nbsync daemon uses it";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return file + " is damaged: stop nbsync, keep a copy, and check it with: sqlite3 " + file +
             " 'PRAGMA integrity_check'";
    default:
      return "check " + file + " with: sqlite3 " + file + " 'PRAGMA integrity_check'";
  }
}

DatabaseError sqlite_failure(const std::filesystem::path& database, std::string_view doing,
                             const std::exception& error) {
  int code = 0;
  if (const auto* sqlite_error = dynamic_cast<const SQLite::Exception*>(&error)) {
    code = sqlite_error->getErrorCode();
  } else if (const auto* database_error = dynamic_cast<const DatabaseError*>(&error)) {
    return *database_error;  // already says which file and what to do
  }
  std::string message = database.string();
  message.append(": ").append(doing).append(" failed: ").append(error.what());
  if (code != 0) {
    message.append(" (").append(advice_for(code, database)).append(")");
  }
  return DatabaseError(message, code);
}

}  // namespace nbsync::storage::detail
