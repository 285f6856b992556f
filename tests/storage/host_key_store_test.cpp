#include "storage/host_key_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "storage/detail/sql_connection.hpp"
#include "storage/host_key_state.hpp"
#include "storage/storage_writer.hpp"
#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace nbsync::storage {
namespace {

const HostKey k_first{"ssh-ed25519", "SHA256:first", "AAAAC3NzaC1lZDI1NTE5AAAAIFirst"};
const HostKey k_second{"ssh-ed25519", "SHA256:second", "AAAAC3NzaC1lZDI1NTE5AAAAISecond"};
const HostKey k_third{"ecdsa-sha2-nistp256", "SHA256:third", "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYThird"};

// Every test runs on SQLite and on PostgreSQL (backend_fixture.hpp). database(), opened
// first, migrates, as the daemon's own Database does before its HostKeyStore opens.
class HostKeyStoreTest : public test_support::BackendTest {
protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!IsSkipped()) {
      m_store = open_keys();
    }
  }

  // A store with a connection of its own, as the daemon's and `nbsync hostkey accept`'s.
  std::unique_ptr<HostKeyStore> open_keys() const {
    if (on_postgres()) {
      return std::make_unique<HostKeyStore>(PostgresLocation{postgres_uri(), {}});
    }
    return std::make_unique<HostKeyStore>(m_dir / "nbsync.db");
  }

  std::unique_ptr<HostKeyStore> m_store;
  HostKeyStore& keys() { return *m_store; }
};

TEST_P(HostKeyStoreTest, TrustsTheFirstKeySeenAndThenRecognizesIt) {
  EXPECT_FALSE(keys().trusted_key(1).has_value());
  EXPECT_EQ(keys().verify(1, k_first), HostKeyVerdict::trusted_first_use);
  EXPECT_EQ(keys().trusted_key(1), k_first);
  EXPECT_EQ(keys().verify(1, k_first), HostKeyVerdict::trusted);
  EXPECT_FALSE(keys().pending_key(1).has_value());
  EXPECT_FALSE(keys().trusted_key(2).has_value()) << "keys are per device";
}

TEST_P(HostKeyStoreTest, AChangedKeyIsRefusedAndKeptPendingUntilAccepted) {
  ASSERT_EQ(keys().verify(1, k_first), HostKeyVerdict::trusted_first_use);
  EXPECT_EQ(keys().verify(1, k_second), HostKeyVerdict::mismatch);
  EXPECT_EQ(keys().verify(1, k_second), HostKeyVerdict::mismatch) << "refused until an operator accepts";
  EXPECT_EQ(keys().trusted_key(1), k_first);
  EXPECT_EQ(keys().pending_key(1), k_second);

  // The device rotates again before anyone looked: the newest key is the one to accept.
  EXPECT_EQ(keys().verify(1, k_third), HostKeyVerdict::mismatch);
  EXPECT_EQ(keys().pending_key(1), k_third);

  EXPECT_TRUE(keys().accept(1));
  EXPECT_EQ(keys().trusted_key(1), k_third);
  EXPECT_FALSE(keys().pending_key(1).has_value());
  EXPECT_EQ(keys().verify(1, k_third), HostKeyVerdict::trusted);
  EXPECT_EQ(keys().verify(1, k_first), HostKeyVerdict::mismatch) << "the old key is no longer trusted";
  EXPECT_EQ(detail::query_integer(sql(),
                                  "SELECT count(*) FROM host_keys WHERE device_id = 1 AND state = 'replaced' "
                                  "AND fingerprint = 'SHA256:first' AND replaced_at IS NOT NULL"),
            1)
      << "the replaced key is kept for the record";
}

TEST_P(HostKeyStoreTest, APendingChangeEndsWhenTheTrustedKeyIsSeenAgain) {
  ASSERT_EQ(keys().verify(1, k_first), HostKeyVerdict::trusted_first_use);
  EXPECT_EQ(keys().verify(1, k_second), HostKeyVerdict::mismatch);  // an impostor, or a rotation
  EXPECT_EQ(keys().verify(1, k_first), HostKeyVerdict::trusted);    // the real device again
  EXPECT_FALSE(keys().pending_key(1).has_value()) << "nothing is left for accept to trust";
  EXPECT_FALSE(keys().accept(1));
  EXPECT_EQ(keys().trusted_key(1), k_first);
}

TEST_P(HostKeyStoreTest, AcceptWithAFingerprintTrustsOnlyThatKey) {
  ASSERT_EQ(keys().verify(1, k_first), HostKeyVerdict::trusted_first_use);
  EXPECT_EQ(keys().verify(1, k_second), HostKeyVerdict::mismatch);
  EXPECT_FALSE(keys().accept(1, "SHA256:third")) << "the pending key is another one";
  EXPECT_EQ(keys().trusted_key(1), k_first);
  EXPECT_TRUE(keys().accept(1, "SHA256:second"));
  EXPECT_EQ(keys().trusted_key(1), k_second);
}

TEST_P(HostKeyStoreTest, AcceptWithNothingPendingChangesNothing) {
  EXPECT_FALSE(keys().accept(1));
  ASSERT_EQ(keys().verify(1, k_first), HostKeyVerdict::trusted_first_use);
  EXPECT_FALSE(keys().accept(1));
  EXPECT_EQ(keys().trusted_key(1), k_first);
}

TEST_P(HostKeyStoreTest, StrictModeRefusesUnknownKeysButKeepsThemForAccept) {
  EXPECT_EQ(keys().verify(5, k_first, true), HostKeyVerdict::unknown);
  EXPECT_FALSE(keys().trusted_key(5).has_value());
  EXPECT_EQ(keys().pending_key(5), k_first);
  EXPECT_TRUE(keys().accept(5));
  EXPECT_EQ(keys().verify(5, k_first, true), HostKeyVerdict::trusted);
}

TEST_P(HostKeyStoreTest, KeysSurviveAReopen) {
  ASSERT_EQ(keys().verify(1, k_first), HostKeyVerdict::trusted_first_use);
  ASSERT_EQ(keys().verify(1, k_second), HostKeyVerdict::mismatch);
  const std::unique_ptr<HostKeyStore> reopened = open_keys();
  EXPECT_EQ(reopened->trusted_key(1), k_first);
  EXPECT_EQ(reopened->pending_key(1), k_second);
}

TEST_P(HostKeyStoreTest, WorkersCheckKeysConcurrentlyWhileTheWriterStoresResults) {
  StorageWriter writer(
      database(),
      StorageWriterOptions{
          1 << 20, 50, std::chrono::milliseconds(20), {}, {}, SnapshotStore::k_default_full_copy_every, {}});
  const auto run = writer.begin_run();
  ASSERT_TRUE(run.has_value());
  constexpr int k_workers = 4;
  constexpr int k_devices_each = 40;
  std::vector<DeviceRecord> all;
  for (int id = 1; id <= k_workers * k_devices_each; ++id) {
    all.push_back(test_support::device(id));
  }
  ASSERT_TRUE(writer.submit_devices(*run, all));

  std::atomic<int> first_use{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < k_workers; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < k_devices_each; ++i) {
        const std::int64_t id = w * k_devices_each + i + 1;
        try {
          const HostKey key{"ssh-ed25519", "SHA256:k" + std::to_string(id), "AAAA" + std::to_string(id)};
          if (keys().verify(id, key) == HostKeyVerdict::trusted_first_use) {
            ++first_use;
          }
          if (!writer.submit(*run, test_support::ok_attempt(id, test_support::config_text(id, 1)))) {
            ++failures;
          }
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
          ++failures;
        }
      }
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(first_use.load(), k_workers * k_devices_each);
  ASSERT_TRUE(writer.flush()) << writer.error().value_or("");
  EXPECT_TRUE(writer.close());
  const std::unique_ptr<Database> reader = open_database();
  EXPECT_EQ(detail::query_integer(reader->connection(), "SELECT count(*) FROM attempts WHERE changed = 1"),
            k_workers * k_devices_each);
  EXPECT_EQ(detail::query_integer(reader->connection(), "SELECT count(*) FROM host_keys WHERE state = 'trusted'"),
            k_workers * k_devices_each);
}

TEST_P(HostKeyStoreTest, TheDevicePageSeesTheTrustedAndThePendingKeyWithWhenTheyWereSeen) {
  EXPECT_FALSE(read_host_key_state(database(), 1).trusted.has_value());
  ASSERT_EQ(keys().verify(1, k_first), HostKeyVerdict::trusted_first_use);
  ASSERT_EQ(keys().verify(1, k_second), HostKeyVerdict::mismatch);
  sql().execute("UPDATE host_keys SET first_seen = 100, last_seen = 200 WHERE state = 'trusted'");
  const HostKeyState state = read_host_key_state(database(), 1);
  ASSERT_TRUE(state.trusted.has_value());
  EXPECT_EQ(state.trusted->key, k_first);
  EXPECT_EQ(state.trusted->first_seen, 100);
  EXPECT_EQ(state.trusted->last_seen, 200);
  ASSERT_TRUE(state.pending.has_value());
  EXPECT_EQ(state.pending->key, k_second);
  EXPECT_GT(state.pending->first_seen, 1700000000) << "unix seconds of when it was presented";

  ASSERT_TRUE(keys().accept(1));
  const HostKeyState accepted = read_host_key_state(database(), 1);
  ASSERT_TRUE(accepted.trusted.has_value());
  EXPECT_EQ(accepted.trusted->key, k_second);
  EXPECT_FALSE(accepted.pending.has_value()) << "the replaced key is not shown";
}

NBSYNC_ON_BOTH_BACKENDS(HostKeyStoreTest);

}  // namespace
}  // namespace nbsync::storage
