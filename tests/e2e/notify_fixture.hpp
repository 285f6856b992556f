#pragma once
// A CycleFixture whose nbsync reports to the lab's NetBox and to the lab's Slack sink, with
// the look-ups the notification tests make: device fields, journal entries, Slack
// messages, request counters and API faults.
#include <string>

#include "tests/e2e/cycle_fixture.hpp"

namespace nbsync::test {

class NotifyFixture : public CycleFixture {
protected:
  // Lab of `devices`, nbsync with Slack webhook "ops" and netbox-setup run. `extra_netbox`
  // goes into [netbox]; `notify` replaces the [notify] keys (drain_timeout).
  void start_reporting(int devices, int seed, const std::string& extra_netbox = "",
                       const std::string& notify = "drain_timeout = \"3s\"\n", const std::string& extra = "",
                       const std::vector<std::string>& lab_args = {}) {
    start_lab(devices, seed, lab_args);
    dir.write("slack.url", lab->url() + "/lab/slack/ops\n");
    write_config("", "history_url = \"https://nbsync.example/d/{{ object.id }}\"\n" + extra_netbox,
                 "\n[notify]\n" + notify + "\n[[notify.slack]]\nname = \"ops\"\nurl_file = \"slack.url\"\n" + extra);
    const auto setup = nbsync({"netbox-setup"});
    ASSERT_EQ(setup.exit_code, 0) << setup.err;
  }

  json counters() { return lab->request({"GET", "/lab/counters", {}, ""}).body; }
  void reset_counters() { lab->request({"DELETE", "/lab/counters", {}, ""}); }
  long requests(const std::string& key) { return counters()["requests"].value(key, 0L); }
  long writes() {
    const auto c = counters()["requests"];
    long n = 0;
    for (const auto& [key, value] : c.items()) {
      if (!key.starts_with("GET ")) {
        n += value.get<long>();
      }
    }
    return n;
  }
  json device(std::int64_t id) { return lab->get("/api/dcim/devices/" + std::to_string(id) + "/").body; }
  json journal(std::int64_t id) {
    return lab
        ->get("/api/extras/journal-entries/?assigned_object_type=dcim.device&assigned_object_id=" + std::to_string(id) +
              "&limit=1000")
        .body;
  }
  json slack() { return lab->request({"GET", "/lab/slack/ops/messages", {}, ""}).body["messages"]; }
  void clear_faults() { lab->request({"DELETE", "/lab/faults", {}, ""}); }

  // Every in-scope device's nbsync fields in NetBox equal what the database says.
  void expect_fields_match_database() {
    auto database = db();
    SQLite::Statement states(database, "SELECT device_id, status, config_sha256 FROM device_states");
    int checked = 0;
    while (states.executeStep()) {
      const auto id = states.getColumn(0).getInt64();
      const auto fields = device(id)["custom_fields"];
      EXPECT_EQ(fields["nbsync_backup_status"], states.getColumn(1).getString()) << "device " << id;
      const std::string hash = states.getColumn(2).getString();
      EXPECT_EQ(fields["nbsync_config_hash"], hash.empty() ? json(nullptr) : json(hash.substr(0, 12)))
          << "device " << id;
      ++checked;
    }
    EXPECT_GT(checked, 0);
  }
};

}  // namespace nbsync::test
