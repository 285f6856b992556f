// nbsync-bench-web-db: a database for bench/web_pages, made through the storage API (as a
// cycle's writer stores, without 100,000 SSH backups): --devices N devices over --cycles
// full cycles (default 10, the /cycles page's length), each device with a small config of
// its own, checked against three compliance rules (one device in ten fails a warning, one
// in 97 an error). In the last full cycle one device in 20 changes its config and one in 50
// fails (auth, timeout or connect), for /changes and /failing. Then a last cycle gives the
// device --big-id a second version of its --big-bytes config, which changes a share of its
// lines in place and adds and removes blocks (what the diff pages are timed on). Prints
// what it made.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/search_index.hpp"
#include "storage/snapshot_store.hpp"

namespace {

using nbsync::OutcomeKind;
using nbsync::storage::AttemptRecord;
using nbsync::storage::ComplianceCheck;
using nbsync::storage::ComplianceHooks;
using nbsync::storage::DeviceRecord;

// `version` 2 adds a line.
std::string small_config(std::int64_t id, int version) {
  std::string text = "hostname dev-" + std::to_string(id) + "\n";
  if (version == 2) {
    text += "ntp server 10.0.0." + std::to_string(id % 250) + "\n";
  }
  for (int i = 0; i < 60; ++i) {
    text += "interface Ethernet1/" + std::to_string(i) + "\n description link " + std::to_string(id % 97) + "-" +
            std::to_string(i) + "\n ip address 10." + std::to_string(id % 250) + "." + std::to_string(i) +
            ".1 255.255.255.0\n!\n";
  }
  return text;
}

// About `bytes` of IOS-like config; `version` 2 changes every fifth interface's address in
// place, drops every 50th block and adds a block every 40th.
std::string big_config(std::size_t bytes, int version) {
  std::string text = "hostname core-big\n";
  for (int i = 0; text.size() < bytes; ++i) {
    if (version == 2 && i % 50 == 7) {
      continue;
    }
    const int octet = version == 2 && i % 5 == 0 ? 200 + i % 50 : i % 250;
    text += "interface TenGigabitEthernet" + std::to_string(i / 48) + "/" + std::to_string(i % 48) +
            "\n description uplink to rack " + std::to_string(i) + "\n ip address 10." + std::to_string(octet) + "." +
            std::to_string(i % 200) + ".1 255.255.255.252\n no shutdown\n!\n";
    if (version == 2 && i % 40 == 3) {
      text += "ip route 192.168." + std::to_string(i % 250) + ".0 255.255.255.0 10.0.0." + std::to_string(i % 250) +
              " name added-" + std::to_string(i) + "\n";
    }
  }
  return text;
}

DeviceRecord device_record(std::int64_t id) {
  return DeviceRecord{id,
                      "dev-" + std::to_string(id),
                      "site-" + std::to_string(1 + id % 500),
                      "leaf",
                      "cisco-ios",
                      "",
                      "active",
                      "10.0.0.1",
                      {}};
}

// Three rules whose verdicts depend on the device only, as the cycles would store them.
ComplianceHooks bench_rules() {
  ComplianceHooks hooks;
  hooks.rules_digest = "bench-rules-1";
  hooks.evaluate = [](const DeviceRecord& device, std::string_view) {
    std::vector<ComplianceCheck> checks;
    checks.push_back({"ntp-servers", "error", true, {}});
    checks.push_back({"motd-banner", "warning", device.id % 10 != 3, {}});
    checks.push_back({"no-telnet", "error", device.id % 97 != 5, {}});
    for (auto& check : checks) {
      if (!check.passed) {
        check.problems.push_back(check.rule + ": missing line");
      }
    }
    return checks;
  };
  return hooks;
}

// The attempt of device `id` in the last full cycle: changed, failed or the same config.
AttemptRecord last_cycle_attempt(std::int64_t id, std::int64_t big_id, std::size_t big_bytes) {
  AttemptRecord attempt;
  attempt.device_id = id;
  if (id != big_id && id % 50 == 7) {
    constexpr OutcomeKind k_failures[] = {OutcomeKind::auth, OutcomeKind::timeout, OutcomeKind::connect};
    attempt.outcome = k_failures[(id / 50) % 3];
    attempt.message = "dev-" + std::to_string(id) + ": the bench's failure";
    return attempt;
  }
  attempt.config = id == big_id ? big_config(big_bytes, 1) : small_config(id, id % 20 == 0 ? 2 : 1);
  return attempt;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path path;
  std::int64_t devices = 100000;
  int cycles = 10;
  std::int64_t big_id = 1;
  std::size_t big_bytes = 400 * 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--database") {
      path = value;
    } else if (flag == "--devices") {
      devices = std::stoll(value);
    } else if (flag == "--cycles") {
      cycles = std::stoi(value);
    } else if (flag == "--big-id") {
      big_id = std::stoll(value);
    } else if (flag == "--big-bytes") {
      big_bytes = std::stoull(value);
    } else {
      std::cerr << "unknown option " << flag << "\n";
      return 2;
    }
  }
  if (path.empty() || argc % 2 == 0 || cycles < 1) {
    std::cerr
        << "usage: nbsync-bench-web-db --database FILE [--devices N] [--cycles N] [--big-id ID] [--big-bytes B]\n";
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  nbsync::storage::Database database(path);
  nbsync::storage::SnapshotStore store(database, 5000);
  store.set_compliance_hooks(bench_rules());
  std::vector<DeviceRecord> records;
  for (std::int64_t id = 1; id <= devices; ++id) {
    records.push_back(device_record(id));
  }
  for (int cycle = 1; cycle <= cycles; ++cycle) {
    const std::int64_t run = store.begin_run();
    store.upsert_devices(run, records);
    for (std::int64_t id = 1; id <= devices; ++id) {
      AttemptRecord attempt;
      if (cycle == cycles) {
        attempt = last_cycle_attempt(id, big_id, big_bytes);
      } else {
        attempt.device_id = id;
        attempt.config = id == big_id ? big_config(big_bytes, 1) : small_config(id, 1);
      }
      store.record_attempt(run, attempt);
    }
    store.finish_run(run, true);
  }
  const std::int64_t big_run = store.begin_run();
  store.upsert_devices(big_run, std::vector<DeviceRecord>{device_record(big_id)});
  AttemptRecord changed;
  changed.device_id = big_id;
  changed.config = big_config(big_bytes, 2);
  const auto recorded = store.record_attempt(big_run, changed);
  store.finish_run(big_run, false);
  nbsync::storage::update_search_index(database);  // as the daemon does after each run
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "devices=" << devices << " cycles=" << cycles + 1 << " big_id=" << big_id
            << " big_bytes=" << changed.config->size() << " big_added=" << recorded.lines_added
            << " big_removed=" << recorded.lines_removed << " seconds=" << seconds << "\n";
  return 0;
}
