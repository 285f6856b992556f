// "Back up now" end to end: the real nbsync daemon and the real lab. A user tags a device
// through NetBox's API, the lab's event rule (created by `nbsync netbox-setup`) sends a
// signed webhook, and the device is backed up within seconds, its tag cleared and a
// journal entry naming the user written. Forged, replayed and bursts of webhooks start no
// extra backup; the lab's own login counts say how many sessions the device got.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "http/http_client.hpp"
#include "tests/e2e/cycle_fixture.hpp"
#include "web/hook_signature.hpp"

namespace nbsync::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string k_webhook_secret = "e2e-webhook-secret-9f2c";

class BackupNow : public CycleFixture {
protected:
  // A lab, a daemon that backs everything up once (then not for an hour), with webhooks on
  // their own listener, and NetBox set up by `nbsync netbox-setup` with the webhook's URL.
  void start(int devices, int seed, const std::vector<std::string>& lab_args = {}) {
    start_lab(devices, seed, lab_args);
    dir.write("webhook.secret", k_webhook_secret + "\n");
    const std::string tables = "\n[daemon]\ninterval = \"1h\"\njitter = \"0s\"\nmetrics_listen = \"\"\n";
    write_config("", "", tables + "\n[webhook]\nsecret_file = \"webhook.secret\"\nlisten = \"127.0.0.1:0\"\n");
    ASSERT_EQ(nbsync({"netbox-setup"}).exit_code, 0);
    daemon = std::make_unique<ChildProcess>(
        std::vector<std::string>{k_nbsync, "daemon", "-c", (dir / "nbsync.toml").string()}, "");
    ASSERT_TRUE(eventually([&] { return finished_runs() >= 1; })) << daemon->stderr_text();
    std::smatch match;
    std::string log;
    ASSERT_TRUE(eventually([&] {
      log = daemon->stderr_text();
      return std::regex_search(log, match, std::regex("accepted at (http://127\\.0\\.0\\.1:[0-9]+/netbox/webhook)"));
    })) << log;
    webhook_url = match[1].str();
    // The URL is known now: the config names it, and netbox-setup creates the webhook and rule.
    write_config("", "",
                 tables + "\n[webhook]\nsecret_file = \"webhook.secret\"\nlisten = \"127.0.0.1:0\"\nurl = \"" +
                     webhook_url + "\"\n");
    const auto setup = nbsync({"netbox-setup"});
    ASSERT_EQ(setup.exit_code, 0) << setup.err;
    EXPECT_THAT(setup.out, HasSubstr("created nbsync back up now (webhook)"));
    EXPECT_THAT(setup.out, HasSubstr("created nbsync back up now (event rule)"));
    EXPECT_THAT(setup.out, HasSubstr("exists  nbsync_backup_status"));
  }

  int backups_of(std::int64_t id) const {
    return count("SELECT count(*) FROM attempts WHERE device_id = " + std::to_string(id));
  }

  // Logins the lab's SSH side counted at the device's site: its own count of sessions.
  int site_logins(std::int64_t id) {
    const std::string site = lab->get("/api/dcim/devices/" + std::to_string(id) + "/").body["site"]["slug"];
    const auto counters = lab->request({"GET", "/lab/counters", {}, ""}).body;
    return counters["ssh"]["sites"].contains(site) ? counters["ssh"]["sites"][site]["logins"].get<int>() : 0;
  }

  json journal_of(std::int64_t id) {
    return lab
        ->get("/api/extras/journal-entries/?assigned_object_type=dcim.device&assigned_object_id=" + std::to_string(id))
        .body["results"];
  }

  bool has_journal_entry(std::int64_t id, const std::string& text) {
    for (const auto& entry : journal_of(id)) {
      if (entry["comments"].get<std::string>().find(text) != std::string::npos) {
        return true;
      }
    }
    return false;
  }

  // NetBox's payload for an update of device `id` that carries the trigger.
  std::string payload(std::int64_t id, const std::string& request_id, const std::string& timestamp = "") {
    std::string when = timestamp;
    if (when.empty()) {
      const std::time_t now = std::time(nullptr);
      char text[40];
      std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S.000000+00:00", std::gmtime(&now));
      when = text;
    }
    return json({{"event", "updated"},
                 {"timestamp", when},
                 {"model", "device"},
                 {"username", "carol"},
                 {"request_id", request_id},
                 {"data", {{"id", id}, {"name", names[id]}, {"custom_fields", {{"nbsync_backup_now", true}}}}},
                 {"snapshots", {{"prechange", nullptr}, {"postchange", nullptr}}}})
        .dump();
  }

  http::HttpResponse post(const std::string& body, const std::string& signature) {
    http::HttpClient client;
    return client.send(
        {"POST", webhook_url, {{"Content-Type", "application/json"}, {"X-Hook-Signature", signature}}, body});
  }

  std::string sign(const std::string& body) { return web::hook_signature(Secret(k_webhook_secret, "test"), body); }

  std::unique_ptr<ChildProcess> daemon;
  std::string webhook_url;
};

TEST_F(BackupNow, TaggingADeviceInNetboxBacksItUpWithinSecondsClearsTheTagAndTellsWhoAsked) {
  start(12, 61);
  const std::int64_t id = reachable.at(1);
  const int before = backups_of(id);
  const int logins = site_logins(id);

  // A user tags the device on its NetBox page (here: through the API, with a token).
  const auto device = lab->get("/api/dcim/devices/" + std::to_string(id) + "/").body;
  json tags = json::array({{{"slug", "backup-now"}}});
  for (const auto& tag : device["tags"]) {
    tags.push_back({{"slug", tag["slug"]}});
  }
  const auto tagged_at = std::chrono::steady_clock::now();
  ASSERT_EQ(lab->send("PATCH", "/api/dcim/devices/" + std::to_string(id) + "/", {{"tags", tags}}).status, 200);

  ASSERT_TRUE(eventually([&] { return has_journal_entry(id, "asked by admin"); }, 30s)) << daemon->stderr_text();
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - tagged_at).count();
  EXPECT_LT(took, 10.0) << "tag to journal entry";
  std::cerr << "[ measure ] tag to journal entry: " << took << " s\n";
  EXPECT_TRUE(has_journal_entry(id, "Back up now, asked by admin (tag backup-now): backed up"));
  EXPECT_EQ(backups_of(id), before + 1);
  EXPECT_EQ(site_logins(id), logins + 1) << "one session: only that device was backed up";
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE run_id = (SELECT max(id) FROM runs)"), 1);

  // The tag is gone, the others stay; nbsync's own writes fired no webhook after it.
  const auto after = lab->get("/api/dcim/devices/" + std::to_string(id) + "/").body;
  EXPECT_EQ(after["tags"].size(), device["tags"].size());
  for (const auto& tag : after["tags"]) {
    EXPECT_NE(tag["slug"], "backup-now");
  }
  std::this_thread::sleep_for(2s);
  const auto deliveries = lab->request({"GET", "/lab/webhook-deliveries", {}, ""}).body["deliveries"];
  EXPECT_EQ(deliveries.size(), 1u) << deliveries.dump();
  EXPECT_EQ(backups_of(id), before + 1);
  EXPECT_EQ(daemon->stop(), 0);
}

TEST_F(BackupNow, ForgedReplayedAndBurstWebhooksStartNoExtraBackup) {
  start(8, 62);
  const std::int64_t id = reachable.at(0);
  const int before = backups_of(id);
  const int logins = site_logins(id);

  // Forged: signed with another secret. 401, nothing done, one log line without the body.
  const std::string forged = payload(id, "forged-0001");
  const auto refused = post(forged, web::hook_signature(Secret("not-the-secret", "test"), forged));
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(post(forged, "").status, 401);
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(backups_of(id), before);
  std::string log = daemon->stderr_text();
  EXPECT_THAT(log, HasSubstr("wrong X-Hook-Signature"));
  EXPECT_THAT(log, Not(HasSubstr("forged-0001")));
  EXPECT_THAT(log, Not(HasSubstr("carol")));

  // A burst of five for one device: one backup.
  std::string first;
  for (int i = 0; i < 5; ++i) {
    const std::string body = payload(id, "burst-000" + std::to_string(i));
    first = i == 0 ? body : first;
    EXPECT_EQ(post(body, sign(body)).status, 202);
  }
  ASSERT_TRUE(eventually([&] { return has_journal_entry(id, "asked by carol"); }, 30s)) << daemon->stderr_text();
  std::this_thread::sleep_for(2500ms);  // time for any second backup to show
  EXPECT_EQ(backups_of(id), before + 1);
  EXPECT_EQ(site_logins(id), logins + 1);

  // Replayed (the same signed webhook again) and too old: refused, no second backup.
  const auto replayed = post(first, sign(first));
  EXPECT_EQ(replayed.status, 409);
  const std::string old = payload(id, "old-0001", "2026-01-01 00:00:00.000000+00:00");
  EXPECT_EQ(post(old, sign(old)).status, 409);
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(backups_of(id), before + 1);
  EXPECT_EQ(site_logins(id), logins + 1);
  log = daemon->stderr_text();
  EXPECT_THAT(log, HasSubstr("already received"));
  EXPECT_THAT(log, Not(HasSubstr(k_webhook_secret)));
  EXPECT_EQ(daemon->stop(), 0);
}

// NetBox 3.7 has event rules in its own terms (content_types, type_create/type_update):
// netbox-setup creates the webhook and the rule there, and a tag backs the device up.
TEST_F(BackupNow, OnNetbox37SetupCreatesTheRuleInItsTermsAndATagBacksTheDeviceUp) {
  start(6, 63, {"--netbox-version", "3.7"});
  const auto rules = lab->get("/api/extras/event-rules/").body["results"];
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0]["content_types"], json::array({"dcim.device"}));
  EXPECT_EQ(rules[0]["type_update"], true);
  EXPECT_FALSE(rules[0].contains("event_types"));
  const auto again = nbsync({"netbox-setup"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, Not(HasSubstr("created")));

  const std::int64_t id = reachable.at(0);
  const int before = backups_of(id);
  ASSERT_EQ(lab->send("PATCH", "/api/dcim/devices/" + std::to_string(id) + "/",
                      {{"custom_fields", {{"nbsync_backup_now", true}}}})
                .status,
            200);
  ASSERT_TRUE(eventually([&] { return has_journal_entry(id, "asked by admin"); }, 30s)) << daemon->stderr_text();
  EXPECT_EQ(backups_of(id), before + 1);
  ASSERT_TRUE(eventually([&] {
    const auto device = lab->get("/api/dcim/devices/" + std::to_string(id) + "/").body;
    return device["custom_fields"]["nbsync_backup_now"] == false;
  })) << "nbsync clears the field";
  EXPECT_EQ(daemon->stop(), 0);
}

}  // namespace
}  // namespace nbsync::test
