#include "notify/drift_report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nbsync::notify {
namespace {

const storage::DriftVerdict k_in_sync{"in_sync", 0, 0, "[]"};
const storage::DriftVerdict k_differs{"differs", 2, 1, "[]"};
const storage::DriftVerdict k_no_template{"no_template", 0, 0, "[]"};

TEST(DriftReport, FieldSaysInSyncLinesOrNoTemplate) {
  EXPECT_EQ(drift_field_value(k_in_sync), "in sync");
  EXPECT_EQ(drift_field_value(k_differs), "3 lines differ");
  EXPECT_EQ(drift_field_value({"differs", 1, 0, "[]"}), "1 line differs");
  EXPECT_EQ(drift_field_value(k_no_template), "no template");
}

TEST(DriftReport, NothingWhenNetboxAlreadyShowsTheVerdict) {
  EXPECT_TRUE(drift_rows(12, 3, "3 lines differ", k_differs).empty());
  EXPECT_TRUE(drift_rows(12, 3, "in sync", k_in_sync).empty());
}

TEST(DriftReport, StartingToDriftWritesTheFieldAndAWarning) {
  const auto rows = drift_rows(12, 3, "in sync", k_differs);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].kind, "device_fields");
  EXPECT_EQ(nlohmann::json::parse(rows[0].payload)["custom_fields"]["nbsync_drift"], "3 lines differ");
  EXPECT_EQ(rows[1].kind, "journal");
  const auto entry = nlohmann::json::parse(rows[1].payload);
  EXPECT_EQ(entry["kind"], "warning");
  EXPECT_EQ(entry["assigned_object_id"], 12);
  EXPECT_NE(entry["comments"].get<std::string>().find("2 line(s) missing, 1 extra"), std::string::npos);
  EXPECT_EQ(rows[1].dedupe_key, "nbsync-r3-d12-drift");
}

TEST(DriftReport, MoreLinesDifferingUpdatesTheFieldWithoutAnotherEntry) {
  const auto rows = drift_rows(12, 4, "1 line differs", k_differs);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].kind, "device_fields");
}

TEST(DriftReport, BackInSyncWritesASuccessEntry) {
  const auto rows = drift_rows(12, 5, "3 lines differ", k_in_sync);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(nlohmann::json::parse(rows[1].payload)["kind"], "success");
  // A device's first verdict is its state, not news.
  EXPECT_EQ(drift_rows(12, 5, "", k_in_sync).size(), 1U);
  EXPECT_EQ(drift_rows(12, 5, "", k_no_template).size(), 1U);
  EXPECT_EQ(drift_rows(12, 5, "", k_differs).size(), 1U);
}

}  // namespace
}  // namespace nbsync::notify
