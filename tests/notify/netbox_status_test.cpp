#include "notify/netbox_status.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace nbsync::notify {
namespace {

using json = nlohmann::json;

// A device that was backed up fine before and again now, config unchanged.
storage::StateChange unchanged_ok(std::int64_t at) {
  storage::StateChange change;
  change.device_id = 7;
  change.run_id = 3;
  change.at = at;
  storage::DeviceState state;
  state.status = OutcomeKind::ok;
  state.config_sha256 = std::string(64, 'a');
  state.last_success_at = at - 3600;
  state.last_change_at = 1764806400;  // 2025-12-04T00:00:00Z
  change.before = state;
  change.after = state;
  change.after.last_success_at = at;
  return change;
}

// What NetBox shows when it holds exactly `state` and a backup of an hour ago (NetBox
// writes datetimes back with a Z, nbsync sends +00:00).
json shown_for(const storage::DeviceState& state) {
  return {{k_field_status, to_string(state.status)},
          {k_field_config_hash, shown_config_hash(state.config_sha256)},
          {k_field_last_error, nullptr},
          {k_field_last_change, "2025-12-04T00:00:00Z"},
          {k_field_last_backup, "2026-12-04T17:00:00.000000Z"},
          {k_field_compliance, nullptr}};
}

constexpr std::int64_t k_now = 1796407200;  // 2026-12-04T18:00:00Z

std::size_t field_rows(const storage::DeviceNotification& n) {
  return static_cast<std::size_t>(
      std::count_if(n.rows.begin(), n.rows.end(), [](const auto& row) { return row.kind == "device_fields"; }));
}

TEST(NetboxStatusRows, WhatNetboxAlreadyShowsIsNotWrittenAgain) {
  auto change = unchanged_ok(k_now);
  change.shown = shown_for(change.after).dump();
  EXPECT_EQ(field_rows(netbox_status_rows(change, {})), 0u) << "datetimes compare as instants, Z or +00:00";
}

TEST(NetboxStatusRows, FieldsThatDifferInNetboxAreWrittenWhateverNbsyncToldBefore) {
  auto change = unchanged_ok(k_now);
  json shown = shown_for(change.after);
  shown[k_field_config_hash] = "0000";  // an earlier write was lost, or someone edited it
  change.shown = shown.dump();
  change.before->notified = "{}";  // whatever nbsync believes it told
  const auto out = netbox_status_rows(change, {});
  ASSERT_EQ(field_rows(out), 1u);
  const json row = json::parse(out.rows.front().payload);
  EXPECT_EQ(row["custom_fields"][k_field_config_hash], std::string(12, 'a')) << "12 hex digits fit NetBox's column";
}

TEST(NetboxStatusRows, AStaleLastBackupIsRefreshedOncePerPeriod) {
  auto change = unchanged_ok(k_now);
  json shown = shown_for(change.after);
  shown[k_field_last_backup] = "2026-12-02T18:00:00+00:00";  // two days old
  change.shown = shown.dump();
  EXPECT_EQ(field_rows(netbox_status_rows(change, {})), 1u);
}

TEST(NetboxStatusRows, AFieldNetboxDoesNotHaveIsNotConvergedForever) {
  auto change = unchanged_ok(k_now);
  json shown = shown_for(change.after);
  shown.erase(k_field_config_hash);  // netbox-setup of an older nbsync: no such field
  change.shown = shown.dump();
  EXPECT_EQ(field_rows(netbox_status_rows(change, {})), 0u);
}

}  // namespace
}  // namespace nbsync::notify
