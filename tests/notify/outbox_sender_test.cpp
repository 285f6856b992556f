// The outbox sender against the real lab's NetBox API and Slack sink, reading the real
// outbox table: what is delivered goes, what is refused stays visible, what may have
// arrived is looked up first, and no channel starves another.
#include "notify/outbox_sender.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/database.hpp"
#include "tests/support/lab.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::notify {
namespace {

using json = nlohmann::json;
using test::Lab;

class OutboxSenderTest : public ::testing::Test {
protected:
  void SetUp() override {
    lab = std::make_unique<Lab>(10, 41);
    for (const char* name : {"nbsync_backup_status", "nbsync_config_hash"}) {
      ASSERT_EQ(lab->send("POST", "/api/extras/custom-fields/",
                          {{"object_types", {"dcim.device"}}, {"name", name}, {"type", "text"}})
                    .status,
                201);
    }
  }

  void add_row(const std::string& channel, const std::string& kind, std::int64_t device, const json& payload,
               const std::string& ref = "", bool ambiguous = false) {
    SQLite::Statement insert(database.sqlite(), R"sql(
      INSERT INTO outbox (created_at, channel, kind, device_id, payload, dedupe_key, ambiguous)
      VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6))sql");
    insert.bind(1, channel);
    insert.bind(2, kind);
    insert.bind(3, device);
    insert.bind(4, payload.dump());
    insert.bind(5, ref);
    insert.bind(6, ambiguous ? 1 : 0);
    insert.exec();
  }
  void add_journal(std::int64_t device, const std::string& ref, bool ambiguous = false) {
    add_row("netbox", "journal", device,
            {{"assigned_object_type", "dcim.device"},
             {"assigned_object_id", device},
             {"kind", "info"},
             {"comments", "Configuration changed.\n\n_nbsync ref " + ref + "_"}},
            ref, ambiguous);
  }
  DrainReport drain(std::chrono::milliseconds window = std::chrono::seconds(5)) {
    OutboxSenderOptions options;
    options.netbox = {lab->url(), Secret(test::k_lab_token, "test"), std::chrono::milliseconds(2000), true, ""};
    options.timeout = std::chrono::milliseconds(2000);
    options.slack_webhooks["ops"] = Secret(lab->url() + "/lab/slack/ops", "test");
    return OutboxSender(storage::DatabaseLocation{dir / "nbsync.db", std::nullopt}, options)
        .drain(std::chrono::steady_clock::now() + window);
  }
  int count(const std::string& sql) { return database.sqlite().execAndGet(sql).getInt(); }
  json journal(std::int64_t device) {
    return lab->get("/api/extras/journal-entries/?assigned_object_id=" + std::to_string(device)).body;
  }
  void fault(const json& body) {
    ASSERT_EQ(lab->request({"POST", "/lab/faults", {{"Content-Type", "application/json"}}, body.dump()}).status, 201);
  }

  test::TempDir dir;
  storage::Database database{dir / "nbsync.db"};
  std::unique_ptr<Lab> lab;
};

TEST_F(OutboxSenderTest, DeliversFieldsJournalAndSlackAndEmptiesTheOutbox) {
  add_row("netbox", "device_fields", 1, {{"id", 1}, {"custom_fields", {{"nbsync_backup_status", "ok"}}}});
  add_journal(2, "nbsync-r1-d2-changed");
  add_row("slack:ops", "message", 0, {{"text", "run 1: 1 config(s) changed"}});
  const auto report = drain();
  EXPECT_EQ(report.delivered, 3);
  EXPECT_EQ(report.left, 0);
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(lab->get("/api/dcim/devices/1/").body["custom_fields"]["nbsync_backup_status"], "ok");
  EXPECT_EQ(journal(2)["count"], 1);
  EXPECT_EQ(lab->request({"GET", "/lab/slack/ops/messages", {}, ""}).body["messages"].size(), 1u);
}

TEST_F(OutboxSenderTest, ARefusedJournalEntryIsKeptWithItsReason) {
  add_journal(3, "nbsync-r1-d3-changed");
  fault({{"kind", "status"}, {"status", 400}, {"path", "/api/extras/journal-entries/"}, {"method", "POST"}});
  const auto report = drain();
  EXPECT_EQ(report.refused, 1);
  EXPECT_EQ(report.left, 0) << "nothing left to send";
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE refused_at IS NOT NULL AND last_error LIKE 'HTTP 400%'"), 1);
}

TEST_F(OutboxSenderTest, AnEntryThatMayHaveArrivedIsLookedUpNotSentTwice) {
  ASSERT_EQ(lab->send("POST", "/api/extras/journal-entries/",
                      {{"assigned_object_type", "dcim.device"},
                       {"assigned_object_id", 4},
                       {"kind", "info"},
                       {"comments", "Configuration changed.\n\n_nbsync ref nbsync-r7-d4-changed_"}})
                .status,
            201);  // the earlier send that did arrive
  add_journal(4, "nbsync-r7-d4-changed", true);
  const auto report = drain();
  EXPECT_EQ(report.found_already, 1);
  EXPECT_EQ(journal(4)["count"], 1);
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0);
}

TEST_F(OutboxSenderTest, ANetboxThatDoesNotAnswerLeavesSlackItsTurn) {
  add_row("netbox", "device_fields", 1, {{"id", 1}, {"custom_fields", {{"nbsync_backup_status", "ok"}}}});
  add_row("slack:ops", "message", 0, {{"text", "run 2"}});
  fault({{"kind", "stall"}, {"stall_seconds", 30}, {"count", 5}, {"path", "/api/dcim/"}});
  const auto report = drain(std::chrono::seconds(4));
  EXPECT_EQ(report.slack.ok, 1);
  EXPECT_GE(report.netbox.retry, 1);
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE channel = 'netbox'"), 1) << "kept for later";
  lab->request({"DELETE", "/lab/faults", {}, ""});
}

}  // namespace
}  // namespace nbsync::notify
