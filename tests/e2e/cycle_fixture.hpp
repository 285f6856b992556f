#pragma once
// A lab and an nbsync config for end-to-end tests: the real nbsync binary against the real
// nbsync-lab over real SSH and HTTP, with the real SQLite file to read afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/lab.hpp"

namespace nbsync::test {

using json = nlohmann::json;

const std::string k_nbsync = std::string(NBSYNC_BINARY_DIR) + "/nbsync";
// The platforms the lab simulates and nbsync ships a profile for: the seeded fleet draws all.
const std::set<std::string> k_simulated = {"cisco-ios", "cisco-nxos",        "arista-eos",  "juniper-junos",
                                           "cisco-asa", "cisco-iosxr",       "huawei-vrp",  "paloalto-panos",
                                           "linux",     "mikrotik-routeros", "aruba-aoscx", "fortinet-fortios"};
const std::string k_device_password = "lab-password";
const std::string k_enable_secret = "lab-enable-secret";

class CycleFixture : public ::testing::Test {
protected:
  void start_lab(int devices, int seed, const std::vector<std::string>& extra = {}) {
    lab = std::make_unique<Lab>(devices, seed, extra);
    for (const auto& d : lab->walk("/api/dcim/devices/?limit=1000&exclude=config_context")) {
      const bool in_scope = d["status"]["value"] == "active" && !d["platform"].is_null() &&
                            k_simulated.count(d["platform"]["slug"]) && !d["primary_ip4"].is_null();
      if (in_scope) {
        reachable.push_back(d["id"].get<std::int64_t>());
      }
      names[d["id"].get<std::int64_t>()] = d["name"].is_string() ? d["name"].get<std::string>() : "";
      platforms[d["id"].get<std::int64_t>()] = d["platform"].is_null() ? "" : d["platform"]["slug"].get<std::string>();
    }
  }

  // `extra_ssh` and `extra_netbox` go into those tables; `extra` is appended at the end.
  void write_config(const std::string& extra_ssh = "", const std::string& extra_netbox = "",
                    const std::string& extra = "") {
    dir.write("netbox.token", k_lab_token + "\n");
    dir.write("device.password", k_device_password + "\n");
    dir.write("enable.secret", k_enable_secret + "\n");
    dir.write("nbsync.toml", "[netbox]\nurl = \"" + lab->url() + "\"\ntoken_file = \"netbox.token\"\n" + extra_netbox +
                                 "\n[ssh]\nport = " + std::to_string(lab->ssh_port()) +
                                 "\nworkers = " + std::to_string(workers) +
                                 "\nconnect_timeout = \"2s\"\nlogin_timeout = \"4s\"\ncommand_idle_timeout = \"3s\"\n"
                                 "command_timeout = \"60s\"\nmax_config_bytes = \"2MiB\"\nretries = " +
                                 std::to_string(retries) + "\n" + site_pace(extra_ssh) + extra_ssh +
                                 "\n[credentials]\nusername = \"netops\"\npassword_file = \"device.password\"\n"
                                 "enable_secret_file = \"enable.secret\"\n\n[storage]\ndatabase = \"nbsync.db\"\n" +
                                 extra);
  }

  // The lab gives the device's config a new version (the next backup stores a change).
  void change_config(std::int64_t id) {
    const auto reply = lab->request(
        {"POST", "/lab/devices/" + std::to_string(id) + "/config", {{"Content-Type", "application/json"}}, "{}"});
    ASSERT_EQ(reply.status, 200) << reply.raw;
  }

  // Arms one of the lab's NetBox API faults (lab/README: POST /lab/faults).
  void fault(const json& body) {
    const auto reply = lab->request({"POST", "/lab/faults", {{"Content-Type", "application/json"}}, body.dump()});
    ASSERT_EQ(reply.status, 201) << reply.raw;
  }

  // The config write_config() made, with storage.database naming PostgreSQL at `uri`.
  void use_postgres(const std::string& uri) {
    std::ostringstream text;
    text << std::ifstream(dir / "nbsync.toml").rdbuf();
    std::string config = text.str();
    const std::string file_line = "database = \"nbsync.db\"";
    ASSERT_NE(config.find(file_line), std::string::npos);
    config.replace(config.find(file_line), file_line.size(), "database = \"" + uri + "\"");
    dir.write("nbsync.toml", config);
  }

  // The lab here has no AAA rate unless a test gives it one: logins go unpaced (the default
  // paces each site's), so that the suites run at full speed, unless `extra_ssh` sets the pace.
  static std::string site_pace(const std::string& extra_ssh) {
    return extra_ssh.find("site_logins_per_second") == std::string::npos ? "site_logins_per_second = 0\n" : "";
  }

  ProcessResult run_nbsync() {
    auto result = run_process({k_nbsync, "run", "--once", "--json", "-c", (dir / "nbsync.toml").string()},
                              std::chrono::seconds(240));
    summary = json::parse(result.out, nullptr, false);
    return result;
  }

  // `nbsync ARGS -c nbsync.toml`, to the end.
  ProcessResult nbsync(std::vector<std::string> args) {
    args.insert(args.begin(), k_nbsync);
    args.push_back("-c");
    args.push_back((dir / "nbsync.toml").string());
    return run_process(args);
  }

  // Read-only, and willing to wait: a daemon under test may be checkpointing meanwhile.
  SQLite::Database db() const {
    SQLite::Database database((dir / "nbsync.db").string(), SQLite::OPEN_READONLY);
    database.setBusyTimeout(10000);
    return database;
  }

  int count(const std::string& sql) const { return db().execAndGet(sql).getInt(); }

  // For polls while nbsync runs: the database file exists a moment before its tables do (a
  // slow, sanitized nbsync makes the moment long enough to see).
  bool has_table(const std::string& table) const {
    return std::filesystem::exists(dir / "nbsync.db") &&
           count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'") == 1;
  }

  int finished_runs() const {
    if (!has_table("runs")) {
      return 0;
    }
    return count("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL");
  }

  // Waits up to `timeout` for `pred`; true when it held.
  template <typename Pred>
  static bool eventually(Pred pred, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return pred();
  }

  std::map<std::int64_t, std::string> outcomes_of_last_run() const {
    std::map<std::int64_t, std::string> out;
    auto database = db();
    SQLite::Statement query(database,
                            "SELECT device_id, outcome FROM attempts WHERE run_id = (SELECT max(id) FROM runs)");
    while (query.executeStep()) {
      out[query.getColumn(0).getInt64()] = query.getColumn(1).getString();
    }
    return out;
  }

  void set_fault(std::int64_t id, const std::string& fault) {
    const auto reply = lab->request({"POST",
                                     "/lab/devices/" + std::to_string(id) + "/faults",
                                     {{"Content-Type", "application/json"}},
                                     json({{"faults", {fault}}}).dump()});
    ASSERT_EQ(reply.status, 200) << reply.raw;
  }

  // The device gets a new host key for good (its published key changes too).
  void rotate_host_key(std::int64_t id) {
    const auto reply = lab->request({"POST",
                                     "/lab/devices/" + std::to_string(id) + "/host-key/rotate",
                                     {{"Content-Type", "application/json"}},
                                     "{}"});
    ASSERT_EQ(reply.status, 200) << reply.raw;
  }

  // In-scope devices of one platform, in id order.
  std::vector<std::int64_t> reachable_on(const std::string& platform) const {
    std::vector<std::int64_t> out;
    for (auto id : reachable) {
      if (platforms.at(id) == platform) {
        out.push_back(id);
      }
    }
    return out;
  }

  int workers = 16;  // ssh.workers for write_config()
  int retries = 0;   // ssh.retries for write_config()
  TempDir dir;
  std::unique_ptr<Lab> lab;
  std::vector<std::int64_t> reachable;
  std::map<std::int64_t, std::string> names;
  std::map<std::int64_t, std::string> platforms;
  json summary;
};

}  // namespace nbsync::test
