// nbsync's shipped profile for each platform the lab simulates, end to end: the real nbsync
// binary backs up one device of that platform in the real lab over SSH, twice, and the
// real database must hold one version (the lines that change on every read are ignored)
// with every secret the device printed masked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "storage/database.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/e2e/cycle_fixture.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;

struct PlatformCase {
  std::string slug;       // NetBox platform slug = nbsync profile name
  std::string last_line;  // how the stored config's last line starts
};

void PrintTo(const PlatformCase& c, std::ostream* os) {
  *os << c.slug;
}

class PlatformBackup : public CycleFixture, public ::testing::WithParamInterface<PlatformCase> {
protected:
  // A lab with one device of the platform ("dut-<slug>") and nbsync's config; its id.
  std::int64_t start_lab_with_the_platform() {
    start_lab(2, 31);
    const auto added = lab->request(
        {"POST",
         "/lab/devices",
         {{"Content-Type", "application/json"}},
         json({{"name", "dut-" + GetParam().slug}, {"platform", GetParam().slug}, {"status", "active"}}).dump()});
    EXPECT_EQ(added.status, 201) << added.raw;
    write_config();
    return added.body["id"];
  }
};

TEST_P(PlatformBackup, TwoReadsOfAnUnchangedDeviceStoreOneVersionWithNoSecret) {
  const auto& p = GetParam();
  const std::int64_t id = start_lab_with_the_platform();

  const auto first = run_nbsync();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(outcomes_of_last_run().at(id), "ok") << first.out;
  const auto second = run_nbsync();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(outcomes_of_last_run().at(id), "ok") << second.out;
  EXPECT_EQ(count("SELECT count(*) FROM snapshots WHERE device_id = " + std::to_string(id)), 1)
      << "the lines that change on every read made a second version";

  const auto config = lab->request({"GET", "/lab/devices/" + std::to_string(id) + "/config", {}, ""});
  ASSERT_EQ(config.status, 200);
  ASSERT_FALSE(config.body["secrets"].empty());
  storage::Database database(dir / "nbsync.db");
  storage::SnapshotStore store(database);
  const auto stored = store.latest_config(id);
  ASSERT_TRUE(stored);
  EXPECT_THAT(*stored, HasSubstr("<removed>"));
  for (const auto& secret : config.body["secrets"]) {
    const auto at = stored->find(secret.get<std::string>());
    if (at != std::string::npos) {
      const auto start = stored->rfind('\n', at) == std::string::npos ? 0 : stored->rfind('\n', at) + 1;
      ADD_FAILURE() << p.slug << " stored a secret in: " << stored->substr(start, stored->find('\n', at) - start);
    }
  }
  // A line that changes on every read is dropped, or kept with its changing value masked
  // (FortiOS "set ... ENC <value>").
  for (const auto& prefix : config.body["volatile_prefixes"]) {
    const std::string line_start = prefix.get<std::string>();
    EXPECT_FALSE(stored->starts_with(line_start)) << "volatile line stored: " << line_start;
    for (auto at = stored->find("\n" + line_start); at != std::string::npos;
         at = stored->find("\n" + line_start, at + 1)) {
      EXPECT_EQ(stored->compare(at + 1 + line_start.size(), 9, "<removed>"), 0)
          << "volatile line stored: " << stored->substr(at + 1, stored->find('\n', at + 1) - at - 1);
    }
  }
  // Whole: the config proper is there up to its last line, and none of the device's chatter.
  std::string trimmed = *stored;
  while (!trimmed.empty() && trimmed.back() == '\n') {
    trimmed.pop_back();
  }
  const auto last = trimmed.substr(trimmed.rfind('\n') + 1);
  EXPECT_EQ(last.rfind(p.last_line, 0), 0U) << last;
  EXPECT_THAT(*stored, HasSubstr("dut-" + p.slug));
  for (const auto& secret : {k_device_password, k_enable_secret}) {
    EXPECT_THAT(first.out + first.err + second.out + second.err, ::testing::Not(HasSubstr(secret)));
  }
}

TEST_P(PlatformBackup, AReadThroughThePagerStoresWhatAnUnpagedReadStores) {
  const std::int64_t id = start_lab_with_the_platform();
  // Paging stays on: nbsync answers every more prompt and must take out the prompts and
  // the platform's way of erasing them.
  set_fault(id, "ignore_paging_off");
  const auto paged = run_nbsync();
  ASSERT_EQ(paged.exit_code, 0) << paged.err;
  EXPECT_EQ(outcomes_of_last_run().at(id), "ok") << paged.out;
  ASSERT_EQ(lab->request({"DELETE", "/lab/devices/" + std::to_string(id) + "/faults", {}, ""}).status, 200);
  const auto unpaged = run_nbsync();
  ASSERT_EQ(unpaged.exit_code, 0) << unpaged.err;
  EXPECT_EQ(outcomes_of_last_run().at(id), "ok") << unpaged.out;
  EXPECT_EQ(count("SELECT count(*) FROM snapshots WHERE device_id = " + std::to_string(id)), 1)
      << "the read through the pager stored another text than the unpaged read";
}

std::string case_name(const ::testing::TestParamInfo<PlatformCase>& info) {
  std::string name;
  for (const char c : info.param.slug) {
    if (c != '-') {
      name.push_back(c);
    }
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Shipped, PlatformBackup,
                         ::testing::Values(PlatformCase{"cisco-asa", ": end"}, PlatformCase{"cisco-iosxr", "end"},
                                           PlatformCase{"paloalto-panos", "}"}, PlatformCase{"huawei-vrp", "return"},
                                           PlatformCase{"linux", "end"},
                                           PlatformCase{"mikrotik-routeros", "set enabled=yes primary-ntp=10.0."},
                                           PlatformCase{"aruba-aoscx", "https-server vrf mgmt"},
                                           PlatformCase{"fortinet-fortios", "end"}),
                         case_name);

}  // namespace
}  // namespace nbsync::test
