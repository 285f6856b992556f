// The end of a "back up now" request as outbox rows: the trigger cleared first, then the
// journal entry naming who asked, with a reference that names the request.
#include "notify/backup_now_report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace nbsync::notify {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

BackupNowRequest request(BackupNowTrigger trigger) {
  BackupNowRequest r;
  r.device_id = 42;
  r.device_name = "edge-42";
  r.username = "alice";
  r.request_id = "3f7c0a52-req";
  r.trigger = trigger;
  return r;
}

TEST(BackupNowReport, TheTriggerIsClearedBeforeTheJournalEntryIsWritten) {
  const auto rows = backup_now_rows(request(BackupNowTrigger::tag), {true, "backed up"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].channel, "netbox");
  EXPECT_EQ(rows[0].kind, k_clear_trigger_kind);
  EXPECT_EQ(rows[0].device_id, 42);
  storage::OutboxEntry entry;
  entry.payload = rows[0].payload;
  const auto clear = trigger_to_clear(entry);
  ASSERT_TRUE(clear.has_value());
  EXPECT_EQ(clear->device_id, 42);
  EXPECT_EQ(clear->trigger, BackupNowTrigger::tag);

  EXPECT_EQ(rows[1].kind, "journal");
  EXPECT_EQ(rows[1].dedupe_key, "nbsync-backup-now-d42-3f7c0a52-req");
  const json journal = json::parse(rows[1].payload);
  EXPECT_EQ(journal["assigned_object_id"], 42);
  EXPECT_EQ(journal["kind"], "success");
  EXPECT_THAT(journal["comments"].get<std::string>(),
              HasSubstr("Back up now, asked by alice (tag backup-now): backed up."));
  EXPECT_THAT(journal["comments"].get<std::string>(), HasSubstr(rows[1].dedupe_key));

  const auto failed = backup_now_rows(request(BackupNowTrigger::custom_field), {false, "not backed up: auth: denied"});
  EXPECT_EQ(json::parse(failed[1].payload)["kind"], "warning");
  entry.payload = failed[0].payload;
  EXPECT_EQ(trigger_to_clear(entry)->trigger, BackupNowTrigger::custom_field);
  entry.payload = "{\"id\": 42, \"trigger\": \"other\"}";
  EXPECT_FALSE(trigger_to_clear(entry).has_value());
}

}  // namespace
}  // namespace nbsync::notify
