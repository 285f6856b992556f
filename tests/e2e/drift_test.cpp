// Drift from the intended config end to end: the real nbsync against the real lab, whose
// NetBox renders config templates for about a third of its devices from the same generator
// that makes their running configs, with seeded differences (lab/devices/intended_config.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/cycle_fixture.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;

constexpr const char* k_render_counter = "POST /api/dcim/devices/{id}/render-config/";

class Drift : public CycleFixture {
protected:
  // What the lab says a comparison must find for each reachable device.
  std::map<std::int64_t, json> expected_drift() {
    std::map<std::int64_t, json> out;
    for (auto id : reachable) {
      const auto reply = lab->request({"GET", "/lab/devices/" + std::to_string(id) + "/drift", {}, ""});
      EXPECT_EQ(reply.status, 200) << reply.raw;
      out[id] = reply.body;
    }
    return out;
  }

  long render_requests() {
    const auto counters = lab->request({"GET", "/lab/counters", {}, ""}).body;
    return counters["requests"].value(k_render_counter, 0L);
  }

  void reset_counters() { lab->request({"DELETE", "/lab/counters", {}, ""}); }

  // Makes every stored verdict `seconds` older.
  void age_verdicts(int seconds) {
    SQLite::Database database((dir / "nbsync.db").string(), SQLite::OPEN_READWRITE);
    database.exec("UPDATE drift_results SET checked_at = checked_at - " + std::to_string(seconds));
  }

  void set_drift(std::int64_t id, bool drifts) {
    const auto reply = lab->request({"POST",
                                     "/lab/devices/" + std::to_string(id) + "/drift",
                                     {{"Content-Type", "application/json"}},
                                     json({{"drifts", drifts}}).dump()});
    ASSERT_EQ(reply.status, 200) << reply.raw;
  }

  // The device's journal entries whose text has `text`.
  int drift_entries(std::int64_t id, const std::string& text) {
    const auto journal = lab->get("/api/extras/journal-entries/?assigned_object_type=dcim.device&assigned_object_id=" +
                                  std::to_string(id))
                             .body;
    int entries = 0;
    for (const auto& entry : journal["results"]) {
      entries += entry["comments"].get<std::string>().find(text) != std::string::npos;
    }
    return entries;
  }

  // The verdict stored for the device's newest version: status, missing, extra.
  std::tuple<std::string, int, int> stored_verdict(std::int64_t id) {
    auto database = db();
    SQLite::Statement query(database,
                            "SELECT status, missing, extra FROM drift_results WHERE snapshot_id = "
                            "(SELECT max(id) FROM snapshots WHERE device_id = ?1)");
    query.bind(1, id);
    if (!query.executeStep()) {
      return {"none", 0, 0};
    }
    return {query.getColumn(0).getString(), query.getColumn(1).getInt(), query.getColumn(2).getInt()};
  }
};

TEST_F(Drift, StoredPerVersionShownInNetboxAndByTheCommand) {
  start_lab(40, 43);
  write_config();
  ASSERT_EQ(nbsync({"netbox-setup"}).exit_code, 0);
  reset_counters();
  const auto first = run_nbsync();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(summary["notify"]["waiting"], 0) << summary.dump();

  const auto expected = expected_drift();
  int templated = 0;
  int by_platform = 0;  // templated through their platform only (the lab's EOS platform)
  int by_role = 0;      // templated through their role (the lab's Spine role)
  std::map<std::string, int> seen;
  std::int64_t differing = 0;
  std::int64_t in_sync = 0;
  for (const auto& [id, want] : expected) {
    const auto [status, missing, extra] = stored_verdict(id);
    seen[status] += 1;
    std::string field;
    if (!want["template"].get<bool>()) {
      EXPECT_EQ(status, "no_template") << id;
      field = "no template";
    } else {
      ++templated;
      EXPECT_EQ(missing, want["missing"].get<int>()) << "device " << id << " on " << platforms[id];
      EXPECT_EQ(extra, want["extra"].get<int>()) << "device " << id << " on " << platforms[id];
      const int lines = want["missing"].get<int>() + want["extra"].get<int>();
      EXPECT_EQ(status, lines == 0 ? "in_sync" : "differs") << id;
      field = lines == 0 ? "in sync" : lines == 1 ? "1 line differs" : std::to_string(lines) + " lines differ";
      (lines == 0 ? in_sync : differing) = id;
    }
    const auto device = lab->get("/api/dcim/devices/" + std::to_string(id) + "/").body;
    EXPECT_EQ(device["custom_fields"]["nbsync_drift"], field) << id;
    const bool inherited = want["template"].get<bool>() && device["config_template"].is_null();
    const bool spine = device["role"]["slug"] == "spine";
    by_role += inherited && spine ? 1 : 0;
    by_platform += inherited && !spine ? 1 : 0;
  }
  EXPECT_GT(by_platform, 0) << "devices whose only template is their platform's are checked too";
  EXPECT_GT(by_role, 0) << "devices whose only template is their role's are checked too";
  EXPECT_GT(seen["in_sync"], 0) << "the lab's seed gives in-sync templated devices";
  EXPECT_GT(seen["differs"], 0);
  EXPECT_GT(seen["no_template"], 0);
  ASSERT_NE(differing, 0);
  ASSERT_NE(in_sync, 0);
  // NetBox renders only devices whose record names a template, once each.
  EXPECT_EQ(render_requests(), templated);
  EXPECT_EQ(summary["drift"]["render_requests"], templated) << summary.dump();

  // A first verdict is the device's state, not news: no journal entry (as a first backup).
  EXPECT_EQ(drift_entries(differing, "drifted"), 0);
  // The command, as text and JSON.
  const auto text = nbsync({"drift", std::to_string(differing)});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("lines differ"));
  EXPECT_THAT(text.out, HasSubstr("- missing "));
  EXPECT_THAT(text.out, HasSubstr("+ extra "));
  const auto as_json = nbsync({"drift", std::to_string(in_sync), "--json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const auto parsed = json::parse(as_json.out);
  ASSERT_EQ(parsed["drift"].size(), 1U) << as_json.out;
  EXPECT_EQ(parsed["drift"][0]["status"], "in_sync");
  EXPECT_EQ(parsed["drift"][0]["version"], 1);

  // Nothing new: NetBox is not asked again within the recheck interval (24 h; the
  // verdicts are made an hour old first), and is asked again once it is over.
  age_verdicts(3600);
  reset_counters();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(render_requests(), 0);
  EXPECT_EQ(summary["drift"]["fresh"], templated) << summary.dump();
  age_verdicts(25 * 3600);
  reset_counters();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(render_requests(), templated) << "a day-old verdict is checked again";

  // The in-sync device's template changes in NetBox and the device gets a new version:
  // that one device is rendered again, drifts, and its journal says so; then back.
  set_drift(in_sync, true);
  change_config(in_sync);
  reset_counters();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(render_requests(), 1);
  EXPECT_EQ(std::get<0>(stored_verdict(in_sync)), "differs");
  EXPECT_EQ(drift_entries(in_sync, "drifted from NetBox's intended config"), 1);
  const auto after = json::parse(nbsync({"drift", std::to_string(in_sync), "--json"}).out);
  ASSERT_EQ(after["drift"].size(), 2U) << after.dump();
  EXPECT_EQ(after["drift"][0]["version"], 2);
  EXPECT_EQ(after["drift"][0]["status"], "differs");
  EXPECT_EQ(after["drift"][1]["status"], "in_sync");
  set_drift(in_sync, false);
  change_config(in_sync);
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(drift_entries(in_sync, "back in sync"), 1);
  const auto device = lab->get("/api/dcim/devices/" + std::to_string(in_sync) + "/").body;
  EXPECT_EQ(device["custom_fields"]["nbsync_drift"], "in sync");
}

// With keyed masking (storage.mask_key_file) the stored configs' secrets are tagged
// "<removed:5f2a9c>": the intended configs are masked under the same key, so a secret NetBox
// renders as the device has it is no drift, and the verdicts are those of plain masking.
TEST_F(Drift, WithAMaskKeyTheIntendedConfigIsMaskedUnderTheSameKey) {
  start_lab(40, 43);
  write_config("", "", "mask_key_file = \"mask.key\"\n");
  const auto run = run_nbsync();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(count("SELECT count(*) FROM snapshots WHERE mask_key = ''"), 0) << "every version is keyed";
  int checked = 0;
  for (const auto& [id, want] : expected_drift()) {
    if (!want["template"].get<bool>()) {
      continue;
    }
    ++checked;
    const auto [status, missing, extra] = stored_verdict(id);
    EXPECT_EQ(missing, want["missing"].get<int>()) << "device " << id << " on " << platforms[id];
    EXPECT_EQ(extra, want["extra"].get<int>()) << "device " << id << " on " << platforms[id];
  }
  EXPECT_GT(checked, 5);
}

// NetBox cannot list its platforms (every try answers 500): which devices have a template
// through their role or platform is unknown, so those get no verdict this cycle rather than
// a wrong "no template"; devices with their own template are checked as ever.
TEST_F(Drift, UnreadablePlatformsGiveOneLineAndNoWrongVerdicts) {
  start_lab(40, 43);
  write_config();
  ASSERT_EQ(nbsync({"netbox-setup"}).exit_code, 0);
  fault({{"kind", "status"}, {"status", 500}, {"path", "/api/dcim/platforms/"}, {"count", 100}});
  const auto result = run_nbsync();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("cannot read which device roles and platforms have a config template"));
  int own = 0;
  int without = 0;
  for (const auto id : reachable) {
    const auto device = lab->get("/api/dcim/devices/" + std::to_string(id) + "/").body;
    const std::string status = std::get<0>(stored_verdict(id));
    if (device["config_template"].is_null()) {
      ++without;
      EXPECT_EQ(status, "none") << "device " << id << " got a verdict NetBox could not back";
    } else {
      ++own;
      EXPECT_NE(status, "none") << "device " << id << " has its own template";
    }
  }
  EXPECT_GT(own, 0);
  EXPECT_GT(without, 0);
}

TEST_F(Drift, TokenWithoutRenderPermissionGivesOneLineAndAGoodCycle) {
  start_lab(20, 43);
  write_config();
  ASSERT_EQ(nbsync({"netbox-setup"}).exit_code, 0);
  dir.write("netbox.token", std::string(40, '6') + "\n");  // the lab's "no-render" user: writes, may not render
  reset_counters();
  const auto result = run_nbsync();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["drift"]["render_forbidden"], true) << summary.dump();
  EXPECT_EQ(render_requests(), 1);
  std::size_t lines = 0;
  for (std::size_t at = result.err.find("NetBox refused to render"); at != std::string::npos;
       at = result.err.find("NetBox refused to render", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 1U) << result.err;
  EXPECT_THAT(result.err, HasSubstr("render_config permission"));
  EXPECT_THAT(result.err, ::testing::Not(HasSubstr(std::string(40, '6'))));
  EXPECT_EQ(count("SELECT count(*) FROM drift_results WHERE status <> 'no_template'"), 0);
  EXPECT_EQ(summary["failed"], 0) << summary.dump();
}

// netbox.drift_recheck sets how old a verdict may get (here 2 h: a 3-hour-old verdict is
// rendered again, a 1-hour-old one is not); netbox.drift = false asks NetBox nothing.
TEST_F(Drift, TheRecheckIntervalIsASettingAndTheCheckCanBeTurnedOff) {
  start_lab(20, 43);
  write_config("", "drift_recheck = \"2h\"\n");
  ASSERT_EQ(nbsync({"netbox-setup"}).exit_code, 0);
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const long templated = count("SELECT count(*) FROM drift_results WHERE status <> 'no_template'");
  ASSERT_GT(templated, 0);
  age_verdicts(3600);
  reset_counters();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(render_requests(), 0) << "an hour-old verdict is fresh under a 2 h recheck";
  age_verdicts(2 * 3600);
  reset_counters();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(render_requests(), templated) << "a 3-hour-old one is not";

  write_config("", "drift = false\n");
  age_verdicts(30 * 24 * 3600);
  reset_counters();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(render_requests(), 0);
  EXPECT_EQ(summary["drift"]["off"], true) << summary.dump();

  write_config("", "drift_recheck = \"10s\"\n");
  const auto refused = run_nbsync();
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("drift_recheck"));
}

}  // namespace
}  // namespace nbsync::test
