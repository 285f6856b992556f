#include "storage/detail/blob_writes.hpp"

#include <cstdint>

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/zstd_codec.hpp"

namespace nbsync::storage::detail {
namespace {

constexpr const char* k_depth_sql = "SELECT depth FROM blobs WHERE sha256 = ?1";
constexpr const char* k_insert_sql = R"sql(
  INSERT INTO blobs (sha256, size, codec, base_sha256, depth, content) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
)sql";

}  // namespace

BlobWrites::BlobWrites(SqlConnection& sql, int full_copy_every) : m_sql(sql), m_full_copy_every(full_copy_every) {}

void BlobWrites::store(const std::string& sha256, std::string_view text, const std::optional<BlobBase>& base) {
  constexpr std::int64_t k_absent = -1;
  if (query_integer(m_sql, k_depth_sql, SqlParams().add(sha256), k_absent) != k_absent) {
    return;
  }
  std::int64_t depth = 0;
  if (base && m_full_copy_every > 1) {
    const std::int64_t base_depth = query_integer(m_sql, k_depth_sql, SqlParams().add(base->sha256), k_absent);
    if (base_depth != k_absent && base_depth + 1 < m_full_copy_every) {
      depth = base_depth + 1;
    }
  }
  const std::string frame = depth > 0 ? zstd_compress_with_prefix(text, base->text) : zstd_compress(text);
  SqlParams params;
  params.add(sha256).add(static_cast<std::int64_t>(text.size())).add(depth > 0 ? k_codec_delta : k_codec_full);
  if (depth > 0) {
    params.add(base->sha256);
  } else {
    params.add_null();
  }
  m_sql.execute_queued(k_insert_sql, params.add(depth).add_blob(frame));
}

}  // namespace nbsync::storage::detail
