#pragma once
// Reads one stored config by its SHA-256. A blob is a full zstd frame ('zstd') or a delta
// against its base blob ('zstd-delta', base_sha256): reading a delta reads its chain from
// the nearest full copy forward. Throws DatabaseError naming the database when a blob of
// the chain is missing, damaged, or stored with a codec this nbsync cannot read.
#include <string>

#include "storage/detail/sql_connection.hpp"

namespace nbsync::storage::detail {

inline constexpr const char* k_select_blob_sql =
    "SELECT size, codec, base_sha256, content FROM blobs WHERE sha256 = ?1";

inline constexpr const char* k_codec_full = "zstd";
inline constexpr const char* k_codec_delta = "zstd-delta";

// On either backend, through the statement layer.
std::string read_config_blob(SqlConnection& sql, const std::string& sha256);

}  // namespace nbsync::storage::detail
