// "Back up now" end to end: the real nbsync daemon and the real lab. A user tags a device
// through NetBox's API, the lab's event rule (created by `nbsync netbox-setup`) sends a
// signed webhook, and the device is backed up within seconds, its tag cleared and a
// journal entry naming the user written. Forged, replayed and bursts of webhooks start no
// extra backup; the lab's own login counts say how many sessions the device got.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

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
  // `during_first_cycle`: the setup is done while the first cycle still runs; `lab_args`
  // go to nbsync-lab (a NetBox release, say).
  void start(int devices, int seed, bool during_first_cycle = false, const std::vector<std::string>& lab_args = {}) {
    start_lab(devices, seed, lab_args);
    start_daemon(during_first_cycle);
  }

  // `on_web_listener`: the daemon also serves the viewer ([web] listen, its URL in
  // viewer_url) and takes NetBox's webhooks there instead of on their own listener.
  void start_daemon(bool during_first_cycle, bool on_web_listener = false) {
    dir.write("webhook.secret", k_webhook_secret + "\n");
    const std::string tables = std::string("\n[daemon]\ninterval = \"1h\"\njitter = \"0s\"\nmetrics_listen = \"\"\n") +
                               (on_web_listener ? "\n[web]\nlisten = \"127.0.0.1:0\"\n" : "") + extra_tables;
    const std::string hooks = std::string("\n[webhook]\nsecret_file = \"webhook.secret\"\n") +
                              (on_web_listener ? "" : "listen = \"127.0.0.1:0\"\n");
    write_config("", "", tables + hooks);
    ASSERT_EQ(nbsync({"netbox-setup"}).exit_code, 0);
    daemon = std::make_unique<ChildProcess>(
        std::vector<std::string>{k_nbsync, "daemon", "-c", (dir / "nbsync.toml").string()}, "");
    if (!during_first_cycle) {
      // The whole first cycle, its delivery too: a status write to a device the test tags
      // would fire NetBox's rule again, as a real NetBox does.
      ASSERT_TRUE(eventually([&] { return daemon->stderr_text().find("daemon: last cycle:") != std::string::npos; }))
          << daemon->stderr_text();
    }
    std::smatch match;
    std::string log;
    const std::regex listening(on_web_listener ? "web: serving (http://127\\.0\\.0\\.1:[0-9]+)/"
                                               : "accepted at (http://127\\.0\\.0\\.1:[0-9]+/netbox/webhook)");
    ASSERT_TRUE(eventually([&] {
      log = daemon->stderr_text();
      return std::regex_search(log, match, listening);
    })) << log;
    viewer_url = on_web_listener ? match[1].str() : "";
    webhook_url = on_web_listener ? viewer_url + "/netbox/webhook" : match[1].str();
    // The URL is known now: the config names it, and netbox-setup creates the webhook and rule.
    write_config("", "", tables + hooks + "url = \"" + webhook_url + "\"\n");
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

  // A user tags the device on its NetBox page (here: through the API, with a token).
  void tag_backup_now(std::int64_t id) {
    const auto device = lab->get("/api/dcim/devices/" + std::to_string(id) + "/").body;
    json tags = json::array({{{"slug", "backup-now"}}});
    for (const auto& tag : device["tags"]) {
      tags.push_back({{"slug", tag["slug"]}});
    }
    ASSERT_EQ(lab->send("PATCH", "/api/dcim/devices/" + std::to_string(id) + "/", {{"tags", tags}}).status, 200);
  }

  // Device ids in the order run `run_id` recorded their backups (skipped devices left out).
  std::vector<std::int64_t> attempt_order(int run_id) const {
    std::vector<std::int64_t> out;
    auto database = db();
    SQLite::Statement query(database,
                            "SELECT device_id FROM attempts WHERE run_id = ?1 AND outcome != 'skipped' ORDER BY id");
    query.bind(1, run_id);
    while (query.executeStep()) {
      out.push_back(query.getColumn(0).getInt64());
    }
    return out;
  }

  std::string sign(const std::string& body) { return web::hook_signature(Secret(k_webhook_secret, "test"), body); }

  std::unique_ptr<ChildProcess> daemon;
  std::string webhook_url;
  std::string viewer_url;
  std::string extra_tables;  // more of the config, for start_daemon()
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

// A tag set while no webhook could reach nbsync (here: before netbox-setup made the rule)
// is answered by the next cycle's walk: backed up once, the tag cleared, the journal says
// no webhook was heard. No trigger stays set for ever.
TEST_F(BackupNow, ATagNoWebhookToldNbsyncAboutIsAnsweredByTheNextCycle) {
  start_lab(12, 61);
  const std::int64_t id = reachable.at(2);
  tag_backup_now(id);
  start_daemon(false);
  ASSERT_TRUE(eventually([&] { return has_journal_entry(id, "whose webhook nbsync did not receive"); }, 30s))
      << daemon->stderr_text();
  EXPECT_TRUE(has_journal_entry(
      id, "Back up now, asked by a NetBox user whose webhook nbsync did not receive (tag backup-now): backed up"));
  EXPECT_EQ(backups_of(id), 1) << "the cycle's own backup answered it";
  const auto after = lab->get("/api/dcim/devices/" + std::to_string(id) + "/").body;
  for (const auto& tag : after["tags"]) {
    EXPECT_NE(tag["slug"], "backup-now");
  }
  EXPECT_THAT(daemon->stderr_text(), HasSubstr("no webhook for it reached nbsync"));
  EXPECT_EQ(daemon->stop(), 0);
}

// During a cycle: the device goes ahead of the cycle's queue. One worker, held by a slow
// device (trickle: ~2.5 KB/s) at the head of the walk, so every other device waits; the
// last one is tagged and is backed up next, long before the cycle ends, and only once;
// its journal entry reaches NetBox while the cycle still runs (a second slow device keeps it
// running after the tagged one).
TEST_F(BackupNow, DuringACycleTheDeviceGoesAheadOfTheQueue) {
  start_lab(12, 63);
  workers = 1;
  const std::int64_t slow = reachable.front();
  const std::int64_t last = reachable.back();
  set_fault(slow, "trickle");
  set_fault(reachable.at(1), "trickle");
  start_daemon(true);
  ASSERT_TRUE(eventually([&] { return has_table("attempts"); }, 30s));
  ASSERT_TRUE(eventually([&] { return site_logins(slow) >= 1; }, 30s)) << "the slow device's session started";
  ASSERT_EQ(finished_runs(), 0) << "the first cycle still runs (its slow device holds the one worker)";
  const auto tagged_at = std::chrono::steady_clock::now();
  tag_backup_now(last);

  ASSERT_TRUE(eventually([&] { return backups_of(last) >= 1; }, 60s)) << daemon->stderr_text();
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - tagged_at).count();
  std::cerr << "[ measure ] tag to stored backup during a cycle: " << took << " s\n";
  // The answer reaches NetBox within seconds, while the cycle still runs: the tag cleared,
  // the journal entry written.
  ASSERT_TRUE(eventually([&] { return has_journal_entry(last, "asked by admin (tag backup-now): backed up"); }, 15s))
      << daemon->stderr_text();
  const auto answered = std::chrono::duration<double>(std::chrono::steady_clock::now() - tagged_at).count();
  std::cerr << "[ measure ] tag to journal entry during a cycle: " << answered << " s\n";
  EXPECT_EQ(finished_runs(), 0) << "answered before the cycle's end";
  const auto device = lab->get("/api/dcim/devices/" + std::to_string(last) + "/").body;
  for (const auto& tag : device["tags"]) {
    EXPECT_NE(tag["slug"], "backup-now");
  }
  ASSERT_TRUE(eventually([&] { return finished_runs() >= 1; }, 120s)) << daemon->stderr_text();
  const auto order = attempt_order(1);
  ASSERT_EQ(order.size(), reachable.size()) << "every device once: the tagged one not twice";
  EXPECT_EQ(order.at(0), slow);
  EXPECT_EQ(order.at(1), last) << "next after the device in flight, ahead of the " << reachable.size() - 2
                               << " waiting";
  EXPECT_EQ(std::set<std::int64_t>(order.begin(), order.end()).size(), order.size());
  ASSERT_TRUE(eventually([&] { return has_journal_entry(last, "asked by admin (tag backup-now): backed up"); }, 30s))
      << daemon->stderr_text();
  std::this_thread::sleep_for(2500ms);  // time for a second ("back up now") run to show
  EXPECT_EQ(count("SELECT count(*) FROM runs"), 1) << "no run after the cycle: it was done in it";
  EXPECT_EQ(backups_of(last), 1);
  EXPECT_EQ(daemon->stop(), 0);
}

// The viewer's "Back up now" button. The daemon serves the viewer and NetBox's webhooks on
// one listener. A signed-in user presses the button on the device page: NetBox, asked with
// the user's own token, ticks the field (or refuses a read-only user), its event rule's
// webhook makes the daemon back the device up, and the journal names the user. A post
// without the page's form token does nothing.
TEST_F(BackupNow, TheViewersButtonAsksNetboxAsTheUserAndTheJournalNamesThem) {
  start_lab(8, 64);
  start_daemon(false, true);
  const std::string base = viewer_url;

  http::HttpClient client;
  const auto send = [&](const std::string& method, const std::string& path, const std::string& cookie,
                        const std::string& body) {
    http::HttpRequest request{method, base + path, {{"Cookie", cookie}}, body};
    if (method == "POST") {
      request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    }
    return client.send(request);
  };
  const auto sign_in = [&](const std::string& token) {
    const auto response = send("POST", "/sign-in", "", "token=" + token + "&next=%2F");
    EXPECT_EQ(response.status, 303) << response.body;
    const std::string cookie = response.header("set-cookie").value_or("");
    return cookie.substr(0, cookie.find(';'));
  };
  const auto form_token = [&](const std::string& cookie, std::int64_t id) {
    const auto page = send("GET", "/devices/" + std::to_string(id), cookie, "");
    EXPECT_EQ(page.status, 200);
    std::smatch token;
    EXPECT_TRUE(std::regex_search(page.body, token, std::regex("name=\"form_token\" value=\"([0-9a-f]{64})\"")))
        << page.body;
    return token.size() == 2 ? token[1].str() : std::string();
  };

  const std::int64_t id = reachable.at(2);
  const std::string path = "/devices/" + std::to_string(id) + "/backup-now";
  const int before = backups_of(id);
  const std::string admin = sign_in(k_lab_token);
  const std::string token = form_token(admin, id);
  ASSERT_EQ(token.size(), 64U);

  // Without the page's form token (what another site's form would post): refused.
  EXPECT_EQ(send("POST", path, admin, "").status, 403);
  EXPECT_EQ(send("POST", path, admin, "form_token=" + std::string(64, '0')).status, 403);
  // A read-only NetBox user: NetBox refuses the change, nothing is asked for.
  const std::string reader = sign_in(std::string(40, '2'));
  const auto refused = send("POST", path, reader, "form_token=" + form_token(reader, id));
  EXPECT_EQ(refused.status, 403);
  EXPECT_THAT(refused.body, HasSubstr("NetBox does not let your token change"));
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(backups_of(id), before);
  EXPECT_EQ(lab->request({"GET", "/lab/webhook-deliveries", {}, ""}).body["deliveries"].size(), 0U);

  // The admin presses it: backed up within seconds, the journal names them.
  const auto pressed_at = std::chrono::steady_clock::now();
  const auto pressed = send("POST", path, admin, "form_token=" + token);
  EXPECT_EQ(pressed.status, 200) << pressed.body;
  EXPECT_THAT(pressed.body, HasSubstr("backed up within seconds"));
  ASSERT_TRUE(eventually(
      [&] { return has_journal_entry(id, "Back up now, asked by admin (custom field nbsync_backup_now): backed up"); },
      30s))
      << daemon->stderr_text();
  std::cerr << "[ measure ] button to journal entry: "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - pressed_at).count() << " s\n";
  EXPECT_EQ(backups_of(id), before + 1);
  const auto after = lab->get("/api/dcim/devices/" + std::to_string(id) + "/").body;
  EXPECT_EQ(after["custom_fields"]["nbsync_backup_now"], false) << "nbsync cleared the field";
  EXPECT_THAT(daemon->stderr_text(), Not(HasSubstr(token)));
  EXPECT_EQ(daemon->stop(), 0);
}

// The trigger's clearing and the journal entry go through the outbox: NetBox refusing every
// device write for a while (503) delays them, and they arrive once it answers again.
TEST_F(BackupNow, ANetboxOutageDelaysClearingTheTriggerButDoesNotLoseIt) {
  extra_tables = "\n[notify]\nretry_interval = \"1s\"\n";
  start(8, 65);
  const std::int64_t id = reachable.at(3);
  const int before = backups_of(id);
  fault({{"kind", "status"}, {"status", 503}, {"path", "/api/dcim/devices/"}, {"method", "PATCH"}, {"count", 3}});
  const std::string body = payload(id, "outage-0001");
  ASSERT_EQ(post(body, sign(body)).status, 202);

  ASSERT_TRUE(eventually([&] { return backups_of(id) == before + 1; }, 30s)) << daemon->stderr_text();
  ASSERT_TRUE(eventually([&] { return has_journal_entry(id, "Back up now, asked by carol"); }, 60s))
      << daemon->stderr_text();
  EXPECT_TRUE(lab->request({"GET", "/lab/faults", {}, ""}).body["pending"].empty())
      << "every refused write was retried";
  EXPECT_THAT(daemon->stderr_text(), HasSubstr("clearing the back up now custom field nbsync_backup_now of device " +
                                               std::to_string(id) + " not delivered"));
  const auto device = lab->get("/api/dcim/devices/" + std::to_string(id) + "/").body;
  EXPECT_EQ(device["custom_fields"]["nbsync_backup_now"], false);
  int entries = 0;
  for (const auto& entry : journal_of(id)) {
    entries += entry["comments"].get<std::string>().find("asked by carol") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(entries, 1);
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
  start(6, 63, false, {"--netbox-version", "3.7"});
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
