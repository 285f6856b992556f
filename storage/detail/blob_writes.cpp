#include "storage/detail/blob_writes.hpp"

#include <cstdint>

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/zstd_codec.hpp"

namespace nbsync::storage::detail {
namespace {

constexpr const char* k_depth_sql = "SELECT depth FROM blobs WHERE sha256 = ?1";
// A blob already stored (another device's identical config, a config back to an earlier
// one) stays as it is: checking first would cost every new config a round trip.
constexpr const char* k_insert_sql = R"sql(
  INSERT INTO blobs (sha256, size, codec, base_sha256, depth, content) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
  ON CONFLICT (sha256) DO NOTHING
)sql";

}  // namespace

BlobWrites::BlobWrites(SqlConnection& sql, int full_copy_every) : m_sql(sql), m_full_copy_every(full_copy_every) {}

void BlobWrites::store(const std::string& sha256, std::string_view text, const std::optional<BlobBase>& base) {
  constexpr std::int64_t k_absent = -1;
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
