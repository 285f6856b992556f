// Keyed masking end to end (issue 20, "Secret rotation without storing secrets"): the real
// nbsync against the lab, whose devices rotate their secrets on request. A rotated secret
// is a change with a diff on the masked line, and no secret (nor the key) is in the
// database file or its decompressed blobs; the first keyed cycle after masking without a
// key, and a new key, are not changes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <fstream>
#include <set>
#include <sstream>

#include "storage/database.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/e2e/cycle_fixture.hpp"

namespace nbsync::test {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

class SecretRotation : public CycleFixture {
protected:
  std::set<std::string> lab_secrets(std::int64_t id) {
    const auto config = lab->request({"GET", "/lab/devices/" + std::to_string(id) + "/config", {}, ""});
    EXPECT_EQ(config.status, 200);
    std::set<std::string> out;
    for (const auto& secret : config.body["secrets"]) {
      out.insert(secret.get<std::string>());
    }
    return out;
  }

  void rotate_secrets(std::int64_t device) {
    const auto reply = lab->request({"POST",
                                     "/lab/devices/" + std::to_string(device) + "/secrets/rotate",
                                     {{"Content-Type", "application/json"}},
                                     "{}"});
    ASSERT_EQ(reply.status, 200) << reply.raw;
  }

  int changed_in_last_run() const {
    return count("SELECT count(*) FROM attempts WHERE changed = 1 AND run_id = (SELECT max(id) FROM runs)");
  }

  static std::string file_bytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }

  // The database file (and its WAL) as bytes, and every stored config decompressed.
  std::string everything_stored() const {
    std::string all = file_bytes(dir / "nbsync.db") + file_bytes(dir / "nbsync.db-wal");
    storage::Database database(dir / "nbsync.db");
    storage::SnapshotStore store(database);
    SQLite::Statement blobs(database.sqlite(), "SELECT sha256 FROM blobs");
    while (blobs.executeStep()) {
      all += store.config_by_hash(blobs.getColumn(0).getString());
    }
    return all;
  }
};

// On every platform nbsync ships a profile for, a rotated secret is one change of that
// device (and only of it), with the masked lines differing and no secret stored.
TEST_F(SecretRotation, OnEveryShippedPlatformARotatedSecretIsAChange) {
  start_lab(150, 33);
  write_config("", "", "mask_key_file = \"mask.key\"\n");
  ASSERT_EQ(run_nbsync().exit_code, 0);
  std::set<std::int64_t> rotated;
  std::set<std::string> secrets;
  for (const auto& platform : k_simulated) {
    const auto devices = reachable_on(platform);
    ASSERT_FALSE(devices.empty()) << "the lab's fleet has no reachable " << platform;
    const std::int64_t device = devices.front();
    const auto before = lab_secrets(device);
    rotate_secrets(device);
    const auto after = lab_secrets(device);
    EXPECT_NE(before, after) << platform << ": the lab rotated nothing";
    secrets.insert(before.begin(), before.end());
    secrets.insert(after.begin(), after.end());
    rotated.insert(device);
  }
  const auto result = run_nbsync();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(changed_in_last_run(), static_cast<int>(rotated.size()));
  for (const auto device : rotated) {
    EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE changed = 1 AND device_id = " + std::to_string(device) +
                    " AND run_id = (SELECT max(id) FROM runs)"),
              1)
        << platforms[device] << " device " << device;
  }
  // A third read of the same configs is no change, on any platform (FortiOS re-encrypts
  // most of its secrets on every read: those never get a keyed tag).
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(changed_in_last_run(), 0);
  const std::string stored = everything_stored();
  for (const auto& secret : secrets) {
    if (secret.size() >= 8) {
      EXPECT_THAT(stored, Not(HasSubstr(secret))) << "a secret is stored";
    }
  }
}

TEST_F(SecretRotation, ARotatedSecretIsAChangeAndNeitherItNorTheKeyIsStored) {
  start_lab(12, 31);
  const auto ios = reachable_on("cisco-ios");
  ASSERT_FALSE(ios.empty());
  const std::int64_t device = ios.front();
  const std::string name = names[device];

  // 1: masking without a key, as before keys.
  write_config();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  ASSERT_EQ(count("SELECT count(*) FROM snapshots"), static_cast<int>(reachable.size()));

  // 2: with storage.mask_key_file, created on first use: every config gets keyed tags, no change.
  write_config("", "", "mask_key_file = \"mask.key\"\n");
  auto result = run_nbsync();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  struct stat key_stat {};
  ASSERT_EQ(stat((dir / "mask.key").c_str(), &key_stat), 0) << "nbsync creates the key";
  EXPECT_EQ(key_stat.st_mode & 0777, 0600);
  const std::string key = file_bytes(dir / "mask.key").substr(0, 64);
  ASSERT_EQ(key.size(), 64U);
  EXPECT_EQ(changed_in_last_run(), 0) << "the first keyed cycle is not a fleet-wide change";
  EXPECT_EQ(count("SELECT count(*) FROM snapshots WHERE rekeyed = 1"), static_cast<int>(reachable.size()));
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE outcome = 'ok' AND run_id = (SELECT max(id) FROM runs)"),
            static_cast<int>(reachable.size()));

  // 3: the device's secrets rotate: one change, the masked lines differ.
  const auto before = lab_secrets(device);
  rotate_secrets(device);
  const auto after = lab_secrets(device);
  ASSERT_NE(before, after);
  result = run_nbsync();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(changed_in_last_run(), 1);
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE changed = 1 AND device_id = " + std::to_string(device) +
                  " AND run_id = (SELECT max(id) FROM runs)"),
            1);
  const auto diff = nbsync({"diff", name, "2", "3"});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_THAT(diff.out, ContainsRegex("\n-enable secret 9 <removed:[0-9a-f]{6}>\n"));
  EXPECT_THAT(diff.out, ContainsRegex("\n\\+enable secret 9 <removed:[0-9a-f]{6}>\n"));
  EXPECT_THAT(diff.out, ContainsRegex("\n\\+username admin privilege 15 secret 9 <removed:[0-9a-f]{6}>\n"));

  // 4: a new key (the old file deleted; nbsync makes another): stored, not a change.
  std::filesystem::remove(dir / "mask.key");
  result = run_nbsync();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(changed_in_last_run(), 0) << "a new key is not a config change";
  const std::string new_key = file_bytes(dir / "mask.key").substr(0, 64);
  EXPECT_NE(new_key, key);
  const auto changes = nbsync({"changes", "--since", "1h", "--json"});
  ASSERT_EQ(changes.exit_code, 0) << changes.err;
  const auto changes_json = json::parse(changes.out, nullptr, false);
  ASSERT_EQ(changes_json["devices"].size(), 1U) << changes.out;
  EXPECT_EQ(changes_json["devices"][0]["id"], device);

  // Neither secret, nor either key, anywhere in the database or in what nbsync printed.
  const std::string stored = everything_stored();
  ASSERT_THAT(stored, HasSubstr("enable secret 9 <removed:"));
  std::set<std::string> secrets = before;
  secrets.insert(after.begin(), after.end());
  secrets.insert(key);
  secrets.insert(new_key);
  for (const auto& secret : secrets) {
    EXPECT_THAT(stored, Not(HasSubstr(secret)));
    EXPECT_THAT(result.out + result.err + diff.out, Not(HasSubstr(secret)));
  }
}

}  // namespace
}  // namespace nbsync::test
