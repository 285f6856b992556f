#pragma once
// Reads one stored config by its SHA-256: `select_blob` is the caller's prepared
// "SELECT size, codec, content FROM blobs WHERE sha256 = ?1". Throws DatabaseError naming
// the file when the blob is missing or stored with a codec this nbsync cannot read.
#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <string>

namespace nbsync::storage::detail {

std::string read_config_blob(SQLite::Statement& select_blob, const std::filesystem::path& database,
                             const std::string& sha256);

}  // namespace nbsync::storage::detail
