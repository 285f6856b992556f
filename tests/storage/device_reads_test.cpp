// find_devices and read_device_status, the reads `nbsync show/history` and the viewer
// start from, on both backends. The rows are written with the statement layer (the
// snapshot store is not on it yet), with the same SQL on both.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/detail/sql_connection.hpp"
#include "storage/device_lookup.hpp"
#include "storage/device_status.hpp"
#include "tests/storage/backend_fixture.hpp"

namespace nbsync::storage {
namespace {

using detail::SqlParams;

class DeviceReadsTest : public test_support::BackendTest {
protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    add_device(10, "core1", "ams1", std::nullopt);
    add_device(11, "core1", "fra1", 1700000000);  // same name, other site, retired
    add_device(12, "edge2", "ams1", std::nullopt);
    sql().execute(
        "INSERT INTO device_states (device_id, status, message, failing_since, last_success_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        SqlParams().add(12).add("auth").add("login refused").add(1700000100).add_null().add(1700000200));
  }

  void add_device(std::int64_t id, const std::string& name, const std::string& site,
                  std::optional<std::int64_t> retired_at) {
    sql().execute(
        "INSERT INTO devices (id, name, site, platform, first_seen, last_seen, retired_at) "
        "VALUES (?1, ?2, ?3, 'cisco-ios', 1, 1, ?4)",
        SqlParams().add(id).add(name).add(site).add(retired_at));
  }
};

TEST_P(DeviceReadsTest, FindsByNameOrIdListingCurrentDevicesFirst) {
  const std::vector<DeviceMatch> by_name = find_devices(database(), "core1");
  ASSERT_EQ(by_name.size(), 2U);
  EXPECT_EQ(by_name[0].id, 10);
  EXPECT_FALSE(by_name[0].retired);
  EXPECT_EQ(by_name[1].id, 11);
  EXPECT_EQ(by_name[1].site, "fra1");
  EXPECT_TRUE(by_name[1].retired);

  const std::vector<DeviceMatch> by_id = find_devices(database(), "12");
  ASSERT_EQ(by_id.size(), 1U);
  EXPECT_EQ(by_id[0].name, "edge2");
  EXPECT_TRUE(find_devices(database(), "nothing-like-it").empty());
}

TEST_P(DeviceReadsTest, ReadsADevicesStateAndADeviceNeverAttempted) {
  const std::optional<DeviceStatus> failing = read_device_status(database(), 12);
  ASSERT_TRUE(failing);
  EXPECT_EQ(failing->device.name, "edge2");
  EXPECT_EQ(failing->platform, "cisco-ios");
  EXPECT_EQ(failing->outcome, "auth");
  EXPECT_EQ(failing->message, "login refused");
  EXPECT_EQ(failing->failing_since, 1700000100);
  EXPECT_EQ(failing->last_success_at, std::nullopt);

  const std::optional<DeviceStatus> fresh = read_device_status(database(), 10);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->outcome, "");
  EXPECT_FALSE(fresh->device.retired);
  EXPECT_EQ(read_device_status(database(), 99), std::nullopt);
}

NBSYNC_ON_BOTH_BACKENDS(DeviceReadsTest);

}  // namespace
}  // namespace nbsync::storage
