#pragma once
// The viewer's read-only window on nbsync's database, through storage's own queries
// (ConfigHistory, read_device_status). The database is opened on first use, so a viewer
// started before the first cycle serves "no backup yet" until there is one. Thread-safe:
// one connection, one request at a time (each question is a few indexed reads).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/compliance_hooks.hpp"
#include "storage/config_history.hpp"
#include "storage/device_status.hpp"
#include "storage/drift_store.hpp"
#include "storage/host_key_state.hpp"

namespace nbsync::web {

struct VersionText {
  storage::ConfigVersion version;
  std::string text;
};

// What the device page shows beside its versions.
struct DeviceDetails {
  std::map<std::int64_t, std::vector<storage::ComplianceCheck>> compliance;  // by snapshot id
  storage::HostKeyState host_keys;
  std::map<std::int64_t, storage::StoredDrift> drift;  // by snapshot id: the checked versions
};

class HistorySource {
public:
  // `database`: the SQLite file (opened once it exists); `postgres`, when set, is where the
  // database is instead.
  explicit HistorySource(std::filesystem::path database, std::optional<storage::PostgresLocation> postgres = {});
  ~HistorySource();

  // nullopt: nbsync never saw the device (or no database yet). Throw DatabaseError.
  std::optional<storage::DeviceStatus> device(std::int64_t device_id);
  std::vector<storage::ConfigVersion> versions(std::int64_t device_id);
  DeviceDetails details(std::int64_t device_id);
  std::optional<VersionText> version_text(std::int64_t device_id, std::int64_t number);
  // nullopt when either version does not exist.
  std::optional<storage::ConfigDiff> diff(std::int64_t device_id, std::int64_t from, std::int64_t to);
  // Runs `query` on the open database, one request at a time, for the fleet pages (web/fleet_queries.hpp)
  // and the device page's additions; false, without calling it, when there is no database yet.
  bool read(const std::function<void(storage::Database&, storage::ConfigHistory&)>& query);

private:
  // With m_mutex held: the open database, or nullptr when its file does not exist yet.
  storage::ConfigHistory* history();

  std::filesystem::path m_path;
  std::optional<storage::PostgresLocation> m_postgres;
  std::mutex m_mutex;
  std::unique_ptr<storage::Database> m_database;
  std::unique_ptr<storage::ConfigHistory> m_history;
};

}  // namespace nbsync::web
