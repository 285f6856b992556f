// nbsync-bench-web-db: a database for bench/web_pages, made through the storage API (as a
// cycle's writer stores, without 100,000 SSH backups): --devices N devices, each with one
// version of a small config of its own, and the device --big-id with two versions of a
// --big-bytes config whose second version changes a share of its lines in place and adds
// and removes blocks (what the diff pages are timed on). Prints what it made.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/snapshot_store.hpp"

namespace {

using nbsync::storage::AttemptRecord;
using nbsync::storage::DeviceRecord;

std::string small_config(std::int64_t id) {
  std::string text = "hostname dev-" + std::to_string(id) + "\n";
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

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path path;
  std::int64_t devices = 100000;
  std::int64_t big_id = 1;
  std::size_t big_bytes = 400 * 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--database") {
      path = value;
    } else if (flag == "--devices") {
      devices = std::stoll(value);
    } else if (flag == "--big-id") {
      big_id = std::stoll(value);
    } else if (flag == "--big-bytes") {
      big_bytes = std::stoull(value);
    } else {
      std::cerr << "unknown option " << flag << "\n";
      return 2;
    }
  }
  if (path.empty() || argc % 2 == 0) {
    std::cerr << "usage: nbsync-bench-web-db --database FILE [--devices N] [--big-id ID] [--big-bytes B]\n";
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  nbsync::storage::Database database(path);
  nbsync::storage::SnapshotStore store(database, 5000);
  const std::int64_t run = store.begin_run();
  std::vector<DeviceRecord> records;
  for (std::int64_t id = 1; id <= devices; ++id) {
    records.push_back(device_record(id));
  }
  store.upsert_devices(run, records);
  for (std::int64_t id = 1; id <= devices; ++id) {
    AttemptRecord attempt;
    attempt.device_id = id;
    attempt.config = id == big_id ? big_config(big_bytes, 1) : small_config(id);
    store.record_attempt(run, attempt);
  }
  store.finish_run(run, true);
  const std::int64_t second = store.begin_run();
  store.upsert_devices(second, std::vector<DeviceRecord>{device_record(big_id)});
  AttemptRecord changed;
  changed.device_id = big_id;
  changed.config = big_config(big_bytes, 2);
  const auto recorded = store.record_attempt(second, changed);
  store.finish_run(second, false);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "devices=" << devices << " big_id=" << big_id << " big_bytes=" << changed.config->size()
            << " big_added=" << recorded.lines_added << " big_removed=" << recorded.lines_removed
            << " seconds=" << seconds << "\n";
  return 0;
}
