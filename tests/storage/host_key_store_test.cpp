#include "storage/host_key_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "storage/storage_writer.hpp"
#include "tests/storage/storage_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::storage {
namespace {

const HostKey k_first{"ssh-ed25519", "SHA256:first", "AAAAC3NzaC1lZDI1NTE5AAAAIFirst"};
const HostKey k_second{"ssh-ed25519", "SHA256:second", "AAAAC3NzaC1lZDI1NTE5AAAAISecond"};
const HostKey k_third{"ecdsa-sha2-nistp256", "SHA256:third", "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYThird"};

class HostKeyStoreTest : public ::testing::Test {
protected:
  test::TempDir m_dir;
  std::filesystem::path m_file = m_dir / "nbsync.db";
  Database m_db{m_file};  // migrates the file, as the daemon's own Database does first
  HostKeyStore m_keys{m_file};
};

TEST_F(HostKeyStoreTest, TrustsTheFirstKeySeenAndThenRecognizesIt) {
  EXPECT_FALSE(m_keys.trusted_key(1).has_value());
  EXPECT_EQ(m_keys.verify(1, k_first), HostKeyVerdict::trusted_first_use);
  EXPECT_EQ(m_keys.trusted_key(1), k_first);
  EXPECT_EQ(m_keys.verify(1, k_first), HostKeyVerdict::trusted);
  EXPECT_FALSE(m_keys.pending_key(1).has_value());
  EXPECT_FALSE(m_keys.trusted_key(2).has_value()) << "keys are per device";
}

TEST_F(HostKeyStoreTest, AChangedKeyIsRefusedAndKeptPendingUntilAccepted) {
  ASSERT_EQ(m_keys.verify(1, k_first), HostKeyVerdict::trusted_first_use);
  EXPECT_EQ(m_keys.verify(1, k_second), HostKeyVerdict::mismatch);
  EXPECT_EQ(m_keys.verify(1, k_second), HostKeyVerdict::mismatch) << "refused until an operator accepts";
  EXPECT_EQ(m_keys.trusted_key(1), k_first);
  EXPECT_EQ(m_keys.pending_key(1), k_second);

  // The device rotates again before anyone looked: the newest key is the one to accept.
  EXPECT_EQ(m_keys.verify(1, k_third), HostKeyVerdict::mismatch);
  EXPECT_EQ(m_keys.pending_key(1), k_third);

  EXPECT_TRUE(m_keys.accept(1));
  EXPECT_EQ(m_keys.trusted_key(1), k_third);
  EXPECT_FALSE(m_keys.pending_key(1).has_value());
  EXPECT_EQ(m_keys.verify(1, k_third), HostKeyVerdict::trusted);
  EXPECT_EQ(m_keys.verify(1, k_first), HostKeyVerdict::mismatch) << "the old key is no longer trusted";
  EXPECT_EQ(m_db.sqlite()
                .execAndGet("SELECT count(*) FROM host_keys WHERE device_id = 1 AND state = 'replaced' "
                            "AND fingerprint = 'SHA256:first' AND replaced_at IS NOT NULL")
                .getInt(),
            1)
      << "the replaced key is kept for the record";
}

TEST_F(HostKeyStoreTest, APendingChangeEndsWhenTheTrustedKeyIsSeenAgain) {
  ASSERT_EQ(m_keys.verify(1, k_first), HostKeyVerdict::trusted_first_use);
  EXPECT_EQ(m_keys.verify(1, k_second), HostKeyVerdict::mismatch);  // an impostor, or a rotation
  EXPECT_EQ(m_keys.verify(1, k_first), HostKeyVerdict::trusted);    // the real device again
  EXPECT_FALSE(m_keys.pending_key(1).has_value()) << "nothing is left for accept to trust";
  EXPECT_FALSE(m_keys.accept(1));
  EXPECT_EQ(m_keys.trusted_key(1), k_first);
}

TEST_F(HostKeyStoreTest, AcceptWithAFingerprintTrustsOnlyThatKey) {
  ASSERT_EQ(m_keys.verify(1, k_first), HostKeyVerdict::trusted_first_use);
  EXPECT_EQ(m_keys.verify(1, k_second), HostKeyVerdict::mismatch);
  EXPECT_FALSE(m_keys.accept(1, "SHA256:third")) << "the pending key is another one";
  EXPECT_EQ(m_keys.trusted_key(1), k_first);
  EXPECT_TRUE(m_keys.accept(1, "SHA256:second"));
  EXPECT_EQ(m_keys.trusted_key(1), k_second);
}

TEST_F(HostKeyStoreTest, AcceptWithNothingPendingChangesNothing) {
  EXPECT_FALSE(m_keys.accept(1));
  ASSERT_EQ(m_keys.verify(1, k_first), HostKeyVerdict::trusted_first_use);
  EXPECT_FALSE(m_keys.accept(1));
  EXPECT_EQ(m_keys.trusted_key(1), k_first);
}

TEST_F(HostKeyStoreTest, StrictModeRefusesUnknownKeysButKeepsThemForAccept) {
  EXPECT_EQ(m_keys.verify(5, k_first, true), HostKeyVerdict::unknown);
  EXPECT_FALSE(m_keys.trusted_key(5).has_value());
  EXPECT_EQ(m_keys.pending_key(5), k_first);
  EXPECT_TRUE(m_keys.accept(5));
  EXPECT_EQ(m_keys.verify(5, k_first, true), HostKeyVerdict::trusted);
}

TEST_F(HostKeyStoreTest, KeysSurviveAReopen) {
  ASSERT_EQ(m_keys.verify(1, k_first), HostKeyVerdict::trusted_first_use);
  ASSERT_EQ(m_keys.verify(1, k_second), HostKeyVerdict::mismatch);
  HostKeyStore reopened(m_file);
  EXPECT_EQ(reopened.trusted_key(1), k_first);
  EXPECT_EQ(reopened.pending_key(1), k_second);
}

TEST_F(HostKeyStoreTest, WorkersCheckKeysConcurrentlyWhileTheWriterStoresResults) {
  StorageWriter writer(
      m_db, StorageWriterOptions{
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
          if (m_keys.verify(id, key) == HostKeyVerdict::trusted_first_use) {
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
  const auto summary = writer.finish_run(*run, true);
  ASSERT_TRUE(summary.has_value()) << writer.error().value_or("");
  EXPECT_EQ(summary->changed, k_workers * k_devices_each);
  EXPECT_TRUE(writer.close());
  EXPECT_EQ(test_support::committed_int(m_file, "SELECT count(*) FROM host_keys WHERE state = 'trusted'"),
            k_workers * k_devices_each);
}

}  // namespace
}  // namespace nbsync::storage
