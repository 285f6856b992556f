#include "storage/detail/blob_reader.hpp"

#include <cstddef>
#include <functional>
#include <vector>

#include "storage/database.hpp"
#include "storage/detail/zstd_codec.hpp"

namespace nbsync::storage::detail {
namespace {

// Far beyond any chain the writer builds (storage.full_copy_every): a longer one is a loop.
constexpr std::size_t k_max_chain = 10000;

struct StoredBlob {
  std::size_t size = 0;
  bool delta = false;
  std::string base;
  std::string frame;
};

DatabaseError missing_blob(const std::string& database, const std::string& sha256, bool sqlite) {
  return DatabaseError(database + ": no stored config with hash " + sha256 + " (the database is inconsistent" +
                       (sqlite ? "; check it with: sqlite3 " + database + " 'PRAGMA foreign_key_check')" : ")"));
}

// The codec's meaning for `blob`; throws for a codec this nbsync does not know.
void read_codec(StoredBlob& blob, const std::string& codec, std::string base, const std::string& database,
                const std::string& sha256) {
  if (codec == k_codec_delta) {
    blob.delta = true;
    blob.base = std::move(base);
  } else if (codec != k_codec_full) {
    throw DatabaseError(database + ": config " + sha256 + " is stored with codec '" + codec +
                        "', which this nbsync cannot read; upgrade nbsync");
  }
}

StoredBlob select_one(SqlConnection& sql, const std::string& sha256) {
  const std::unique_ptr<SqlRows> row = sql.query(k_select_blob_sql, SqlParams().add(sha256));
  if (!row->next()) {
    throw missing_blob(sql.name(), sha256, sql.backend() == SqlBackend::sqlite);
  }
  StoredBlob blob;
  blob.size = static_cast<std::size_t>(row->integer(0));
  read_codec(blob, row->text(1), row->is_null(2) ? std::string() : row->text(2), sql.name(), sha256);
  blob.frame = row->blob(3);
  return blob;
}

// Walks back from `sha256` to the full copy, then decodes forward: each delta needs the
// text before it.
std::string decode_chain(const std::string& file, const std::string& sha256,
                         const std::function<StoredBlob(const std::string&)>& select) {
  std::vector<StoredBlob> chain;
  std::string at = sha256;
  while (true) {
    chain.push_back(select(at));
    if (!chain.back().delta) {
      break;
    }
    if (chain.size() > k_max_chain) {
      throw DatabaseError(file + ": config " + sha256 + " has a delta chain that never reaches a full copy");
    }
    at = chain.back().base;
  }
  try {
    std::string text = zstd_decompress(chain.back().frame, chain.back().size);
    for (auto blob = chain.rbegin() + 1; blob != chain.rend(); ++blob) {
      text = zstd_decompress_with_prefix(blob->frame, blob->size, text);
    }
    return text;
  } catch (const std::runtime_error& e) {
    throw DatabaseError(file + ": config " + sha256 + ": " + e.what());
  }
}

}  // namespace

std::string read_config_blob(SqlConnection& sql, const std::string& sha256) {
  return decode_chain(sql.name(), sha256, [&sql](const std::string& at) { return select_one(sql, at); });
}

}  // namespace nbsync::storage::detail
