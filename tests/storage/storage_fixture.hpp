#pragma once
// Shared helpers for the storage tests: a device record, config texts, and counting rows
// through a second, independent connection (what another process would see committed).
#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/attempt_record.hpp"
#include "storage/device_record.hpp"

namespace nbsync::storage::test_support {

inline DeviceRecord device(std::int64_t id) {
  const std::string name = "dev" + std::to_string(id);
  return DeviceRecord{id, name, "site-a", "access", "cisco-ios", "", "active", "127.0.1." + std::to_string(id), {}};
}

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) {
    text.append(line).append("\n");
  }
  return text;
}

// A plausible config of `lines` lines, unique to `device_id` and `version`.
inline std::string config_text(std::int64_t device_id, int version, int lines = 40) {
  std::vector<std::string> out;
  out.push_back("hostname dev" + std::to_string(device_id));
  out.push_back("! version " + std::to_string(version));
  for (int i = 0; i < lines - 2; ++i) {
    out.push_back("interface GigabitEthernet0/" + std::to_string(i));
  }
  return join_lines(out);
}

// A 300-line config whose version `v` differs from v-1 in one line.
inline std::string versioned_config(std::int64_t device_id, int version) {
  std::string text = "hostname dev" + std::to_string(device_id) + "\n";
  for (int i = 0; i < 300; ++i) {
    text.append("interface GigabitEthernet1/0/").append(std::to_string(i)).append("\n");
    text.append(" description uplink ").append(std::to_string(i == version % 300 ? version : 0)).append("\n");
  }
  return text;
}

inline AttemptRecord ok_attempt(std::int64_t device_id, std::string config) {
  AttemptRecord attempt;
  attempt.device_id = device_id;
  attempt.outcome = OutcomeKind::ok;
  attempt.message = "";
  attempt.bytes = static_cast<std::int64_t>(config.size());
  attempt.config = std::move(config);
  return attempt;
}

inline AttemptRecord failed_attempt(std::int64_t device_id, OutcomeKind outcome, std::string message) {
  AttemptRecord attempt;
  attempt.device_id = device_id;
  attempt.outcome = outcome;
  attempt.message = std::move(message);
  return attempt;
}

// Reads one integer with a fresh connection, so only committed rows count.
inline std::int64_t committed_int(const std::filesystem::path& file, const std::string& sql) {
  SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
  reader.setBusyTimeout(5000);
  return reader.execAndGet(sql).getInt64();
}

}  // namespace nbsync::storage::test_support
