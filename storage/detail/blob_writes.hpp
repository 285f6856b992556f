#pragma once
// Stores config texts as blobs, once per SHA-256. With a base (the device's previous
// version) and `full_copy_every` > 1, a new text is stored as a zstd delta against the
// base until the chain from the last full copy would reach `full_copy_every` blobs; then
// it is a full copy again, so reading any version decodes at most that many frames.
#include <optional>
#include <string>
#include <string_view>

#include "storage/detail/sql_connection.hpp"

namespace nbsync::storage::detail {

struct BlobBase {
  std::string sha256;
  std::string_view text;
};

class BlobWrites {
public:
  // Keeps `sql` by reference: writes go into its current transaction.
  BlobWrites(SqlConnection& sql, int full_copy_every);
  // No-op when a blob with `sha256` exists already.
  void store(const std::string& sha256, std::string_view text, const std::optional<BlobBase>& base);

private:
  SqlConnection& m_sql;
  int m_full_copy_every;
};

}  // namespace nbsync::storage::detail
