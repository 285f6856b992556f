// Config blobs (full zstd copies and deltas against the previous version) written and read
// through the statement layer, on both backends: bytea on PostgreSQL, BLOB on SQLite.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/blob_writes.hpp"
#include "storage/detail/sha256.hpp"
#include "storage/detail/sql_connection.hpp"
#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace nbsync::storage {
namespace {

using detail::SqlParams;

class BlobStoreTest : public test_support::BackendTest {
protected:
  std::string codec_of(const std::string& sha256) {
    const auto row = sql().query("SELECT codec, depth FROM blobs WHERE sha256 = ?1", SqlParams().add(sha256));
    return row->next() ? row->text(0) + "/" + std::to_string(row->integer(1)) : "absent";
  }
};

TEST_P(BlobStoreTest, StoresDeltasWithAFullCopyEveryNVersionsAndReadsEachBack) {
  detail::BlobWrites blobs(sql(), 3);
  std::vector<std::string> texts;
  std::vector<std::string> hashes;
  for (int version = 1; version <= 5; ++version) {
    texts.push_back(test_support::config_text(7, version, 200) + "description café ünïcode\n");
    hashes.push_back(detail::sha256_hex(texts.back()));
    std::optional<detail::BlobBase> base;
    if (version > 1) {
      base = detail::BlobBase{hashes[hashes.size() - 2], texts[texts.size() - 2]};
    }
    blobs.store(hashes.back(), texts.back(), base);
  }
  EXPECT_EQ(codec_of(hashes[0]), "zstd/0");
  EXPECT_EQ(codec_of(hashes[1]), "zstd-delta/1");
  EXPECT_EQ(codec_of(hashes[2]), "zstd-delta/2");
  EXPECT_EQ(codec_of(hashes[3]), "zstd/0");
  EXPECT_EQ(codec_of(hashes[4]), "zstd-delta/1");
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(detail::read_config_blob(sql(), hashes[i]), texts[i]) << "version " << i + 1;
  }
  // A second connection (another collector) reads the same.
  const auto other = open_database();
  EXPECT_EQ(detail::read_config_blob(other->connection(), hashes[2]), texts[2]);
}

TEST_P(BlobStoreTest, StoringAKnownTextAgainChangesNothing) {
  detail::BlobWrites blobs(sql(), 10);
  const std::string text = test_support::config_text(1, 1);
  const std::string hash = detail::sha256_hex(text);
  blobs.store(hash, text, std::nullopt);
  blobs.store(hash, text, std::nullopt);
  EXPECT_EQ(detail::query_integer(sql(), "SELECT count(*) FROM blobs"), 1);
}

TEST_P(BlobStoreTest, AMissingBlobIsAnErrorNamingTheDatabaseAndTheHash) {
  const std::string hash(64, 'a');
  try {
    detail::read_config_blob(sql(), hash);
    FAIL() << "expected DatabaseError";
  } catch (const DatabaseError& e) {
    EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr(sql().name()));
    EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr("no stored config with hash " + hash));
  }
}

NBSYNC_ON_BOTH_BACKENDS(BlobStoreTest);

}  // namespace
}  // namespace nbsync::storage
