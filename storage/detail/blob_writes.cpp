#include "storage/detail/blob_writes.hpp"

#include <cstdint>

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/statement_use.hpp"
#include "storage/detail/zstd_codec.hpp"

namespace nbsync::storage::detail {
namespace {

constexpr const char* k_depth_sql = "SELECT depth FROM blobs WHERE sha256 = ?1";
constexpr const char* k_insert_sql = R"sql(
  INSERT INTO blobs (sha256, size, codec, base_sha256, depth, content) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
)sql";

}  // namespace

BlobWrites::BlobWrites(SQLite::Database& db, int full_copy_every)
    : m_full_copy_every(full_copy_every), m_depth(db, k_depth_sql), m_insert(db, k_insert_sql) {}

void BlobWrites::store(const std::string& sha256, std::string_view text, const std::optional<BlobBase>& base) {
  {
    StatementUse exists(m_depth);
    exists->bind(1, sha256);
    if (exists->executeStep()) {
      return;
    }
  }
  std::int64_t depth = 0;
  if (base && m_full_copy_every > 1) {
    StatementUse select(m_depth);
    select->bind(1, base->sha256);
    if (select->executeStep() && select->getColumn(0).getInt64() + 1 < m_full_copy_every) {
      depth = select->getColumn(0).getInt64() + 1;
    }
  }
  const std::string frame = depth > 0 ? zstd_compress_with_prefix(text, base->text) : zstd_compress(text);
  StatementUse insert(m_insert);
  insert->bind(1, sha256);
  insert->bind(2, static_cast<std::int64_t>(text.size()));
  insert->bind(3, depth > 0 ? k_codec_delta : k_codec_full);
  if (depth > 0) {
    insert->bind(4, base->sha256);
  } else {
    insert->bind(4);
  }
  insert->bind(5, depth);
  insert->bindNoCopy(6, frame.data(), static_cast<int>(frame.size()));
  insert->exec();
}

}  // namespace nbsync::storage::detail
