#include "storage/detail/blob_reader.hpp"

#include <cstddef>
#include <vector>

#include "storage/database.hpp"
#include "storage/detail/statement_use.hpp"
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

StoredBlob select_one(SQLite::Statement& select_blob, const std::string& file, const std::string& sha256) {
  StatementUse select(select_blob);
  select->bind(1, sha256);
  if (!select->executeStep()) {
    throw DatabaseError(file + ": no stored config with hash " + sha256 +
                        " (the database is inconsistent; check it with: sqlite3 " + file +
                        " 'PRAGMA foreign_key_check')");
  }
  StoredBlob blob;
  blob.size = static_cast<std::size_t>(select->getColumn(0).getInt64());
  const std::string codec = select->getColumn(1).getString();
  if (codec == k_codec_delta) {
    blob.delta = true;
    blob.base = select->getColumn(2).getString();
  } else if (codec != k_codec_full) {
    throw DatabaseError(file + ": config " + sha256 + " is stored with codec '" + codec +
                        "', which this nbsync cannot read; upgrade nbsync");
  }
  const SQLite::Column content = select->getColumn(3);
  blob.frame.assign(static_cast<const char*>(content.getBlob()), static_cast<std::size_t>(content.getBytes()));
  return blob;
}

}  // namespace

std::string read_config_blob(SQLite::Statement& select_blob, const std::filesystem::path& database,
                             const std::string& sha256) {
  const std::string file = database.string();
  // Walk back to the full copy, then decode forward: each delta needs the text before it.
  std::vector<StoredBlob> chain;
  std::string at = sha256;
  while (true) {
    chain.push_back(select_one(select_blob, file, at));
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

}  // namespace nbsync::storage::detail
