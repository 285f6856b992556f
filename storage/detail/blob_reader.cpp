#include "storage/detail/blob_reader.hpp"

#include "storage/database.hpp"
#include "storage/detail/statement_use.hpp"
#include "storage/detail/zstd_codec.hpp"

namespace nbsync::storage::detail {

std::string read_config_blob(SQLite::Statement& select_blob, const std::filesystem::path& database,
                             const std::string& sha256) {
  const std::string file = database.string();
  StatementUse select(select_blob);
  select->bind(1, sha256);
  if (!select->executeStep()) {
    throw DatabaseError(file + ": no stored config with hash " + sha256 +
                        " (the database is inconsistent; check it with: sqlite3 " + file +
                        " 'PRAGMA foreign_key_check')");
  }
  const auto size = static_cast<std::size_t>(select->getColumn(0).getInt64());
  const std::string codec = select->getColumn(1).getString();
  if (codec != "zstd") {
    throw DatabaseError(file + ": config " + sha256 + " is stored with codec '" + codec +
                        "', which this nbsync cannot read; upgrade nbsync");
  }
  const SQLite::Column content = select->getColumn(2);
  const std::string_view frame(static_cast<const char*>(content.getBlob()),
                               static_cast<std::size_t>(content.getBytes()));
  return zstd_decompress(frame, size);
}

}  // namespace nbsync::storage::detail
