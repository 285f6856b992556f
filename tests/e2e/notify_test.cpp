// What NetBox and Slack learn from nbsync, end to end: the real binary, the lab's NetBox
// API and webhook sink, its request counters proving how many writes were made.
#include <signal.h>

#include <thread>

#include "tests/e2e/notify_fixture.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class Notify : public NotifyFixture {
protected:
  void SetUp() override { start_reporting(60, 21); }
};

TEST_F(Notify, NetboxSetupIsIdempotent) {
  reset_counters();
  const auto again = run_process({k_nbsync, "netbox-setup", "-c", (dir / "nbsync.toml").string()});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, Not(HasSubstr("created")));
  EXPECT_EQ(writes(), 0) << counters().dump();
  EXPECT_EQ(lab->get("/api/extras/custom-fields/?name=nbsync_backup_status").body["results"][0]["ui_editable"]["value"],
            "no");
  EXPECT_EQ(lab->get("/api/extras/custom-links/").body["count"], 1);
}

TEST_F(Notify, NetboxSetupSaysWhatToDoWhenRefused) {
  dir.write("netbox.token", "ffffffffffffffffffffffffffffffffffffffff\n");
  const auto refused = run_process({k_nbsync, "netbox-setup", "-c", (dir / "nbsync.toml").string()});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("Invalid token"));
  EXPECT_THAT(refused.err, Not(HasSubstr("ffffffff")));
}

TEST_F(Notify, DevicePagesShowTheStateAndAnUnchangedCycleWritesNothing) {
  const auto failing = reachable[3];
  lab->request({"POST",
                "/lab/devices/" + std::to_string(failing) + "/faults",
                {{"Content-Type", "application/json"}},
                json({{"faults", {"wrong_password"}}}).dump()});
  reset_counters();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(counters()["requests"]["PATCH /api/dcim/devices/"], 1)
      << "one bulk PATCH for " << reachable.size() << " devices";
  const auto ok = device(reachable[0])["custom_fields"];
  EXPECT_EQ(ok["nbsync_backup_status"], "ok");
  EXPECT_EQ(ok["nbsync_config_hash"].get<std::string>().size(), 12u);
  EXPECT_TRUE(ok["nbsync_last_backup"].is_string());
  EXPECT_TRUE(ok["nbsync_last_error"].is_null());
  const auto bad = device(failing)["custom_fields"];
  EXPECT_EQ(bad["nbsync_backup_status"], "auth");
  EXPECT_THAT(bad["nbsync_last_error"].get<std::string>(), HasSubstr("login refused"));
  EXPECT_EQ(journal(failing)["results"][0]["kind"]["value"], "danger");
  EXPECT_EQ(journal(reachable[0])["count"], 0) << "a first backup is not a change";
  ASSERT_EQ(slack().size(), 1u);
  EXPECT_THAT(slack()[0]["body"]["text"].get<std::string>(), HasSubstr("started failing"));

  reset_counters();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(writes(), 0) << "nothing a user would notice changed: " << counters().dump();
  EXPECT_EQ(slack().size(), 1u) << "no Slack message for a quiet cycle";

  // It recovers: one PATCH, a success journal entry, one Slack message.
  lab->request({"DELETE", "/lab/devices/" + std::to_string(failing) + "/faults", {}, ""});
  reset_counters();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(device(failing)["custom_fields"]["nbsync_backup_status"], "ok");
  EXPECT_EQ(journal(failing)["results"][0]["kind"]["value"], "success");
  EXPECT_EQ(counters()["requests"]["PATCH /api/dcim/devices/"], 1);
  EXPECT_EQ(slack().size(), 2u);
}

TEST_F(Notify, AChangeGetsAJournalEntryWithAMaskedDiff) {
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const auto id = reachable[1];
  change_config(id);
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const auto entries = journal(id);
  ASSERT_EQ(entries["count"], 1);
  const std::string text = entries["results"][0]["comments"];
  EXPECT_EQ(entries["results"][0]["kind"]["value"], "info");
  EXPECT_THAT(text, HasSubstr("Configuration changed: +"));
  EXPECT_THAT(text, HasSubstr("```diff"));
  const auto secrets = lab->request({"GET", "/lab/devices/" + std::to_string(id) + "/config", {}, ""}).body["secrets"];
  for (const auto& secret : secrets) {
    EXPECT_THAT(text, Not(HasSubstr(secret.get<std::string>())));
  }
  EXPECT_THAT(slack().back()["body"]["text"].get<std::string>(),
              HasSubstr("/dcim/devices/" + std::to_string(id) + "/|"));
}

TEST_F(Notify, NetboxDownAndSlackLimitedThenBackEverythingArrivesOnce) {
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const std::vector<std::int64_t> changed = {reachable[0], reachable[2], reachable[4]};
  for (auto id : changed) {
    change_config(id);
  }
  // NetBox fails every write for the whole cycle; Slack rate-limits.
  fault({{"kind", "status"}, {"status", 500}, {"count", 1000}, {"path", "/api/extras/"}, {"method", "POST"}});
  fault({{"kind", "status"}, {"status", 502}, {"count", 1000}, {"path", "/api/dcim/devices/"}, {"method", "PATCH"}});
  lab->request({"POST",
                "/lab/slack/ops/fail",
                {{"Content-Type", "application/json"}},
                R"({"status": 429, "count": 1000, "retry_after": 1})"});
  const auto down = run_nbsync();
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_GT(summary["notify"]["waiting"].get<int>(), 0);
  for (auto id : changed) {
    EXPECT_EQ(journal(id)["count"], 0);
  }
  EXPECT_EQ(slack().size(), 0u) << "Slack refused it (the first cycle had nothing to say)";

  lab->request({"DELETE", "/lab/faults", {}, ""});
  lab->request(
      {"POST", "/lab/slack/ops/fail", {{"Content-Type", "application/json"}}, R"({"status": 429, "count": 0})"});
  const auto back = run_nbsync();
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(summary["notify"]["waiting"], 0);
  for (auto id : changed) {
    EXPECT_EQ(journal(id)["count"], 1) << "exactly once: device " << id;
    EXPECT_EQ(device(id)["custom_fields"]["nbsync_config_hash"].get<std::string>().size(), 12u);
  }
  const auto messages = slack();
  ASSERT_EQ(messages.size(), 1u) << messages.dump();
  EXPECT_THAT(messages[0]["body"]["text"].get<std::string>(), HasSubstr("3 config(s) changed"));
}

TEST_F(Notify, AResendAfterAnAmbiguousFailureDoesNotDuplicateAJournalEntry) {
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const auto id = reachable[5];
  change_config(id);
  // The journal POST is applied but its answer is cut: the sender cannot know it arrived.
  fault({{"kind", "cut_body"}, {"path", "/api/extras/journal-entries/"}, {"method", "POST"}});
  ASSERT_EQ(run_nbsync().exit_code, 0);
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(journal(id)["count"], 1) << journal(id).dump();
}

TEST_F(Notify, KilledWithAFullOutboxDeliversAfterRestart) {
  ASSERT_EQ(run_nbsync().exit_code, 0);
  for (auto id : {reachable[1], reachable[3]}) {
    change_config(id);
  }
  fault({{"kind", "stall"}, {"stall_seconds", 20}, {"count", 5}, {"path", "/api/dcim/devices/"}, {"method", "PATCH"}});
  reset_counters();
  {
    ChildProcess running({k_nbsync, "run", "--once", "-c", (dir / "nbsync.toml").string()}, "");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline &&
           counters()["requests"].value("PATCH /api/dcim/devices/", 0) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(kill(running.pid(), SIGKILL), 0);  // mid-delivery
  }
  EXPECT_GT(count("SELECT count(*) FROM outbox"), 0);
  lab->request({"DELETE", "/lab/faults", {}, ""});
  const auto again = run_nbsync();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0);
  for (auto id : {reachable[1], reachable[3]}) {
    EXPECT_EQ(journal(id)["count"], 1) << id;
  }
  EXPECT_EQ(slack().size(), 1u);
}

}  // namespace
}  // namespace nbsync::test
