#pragma once
// The viewer's read-only window on nbsync's database, through storage's own queries
// (ConfigHistory, read_device_status). The database is opened on first use, so a viewer
// started before the first cycle serves "no backup yet" until there is one. Thread-safe:
// one connection, one request at a time (each question is a few indexed reads).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/config_history.hpp"
#include "storage/device_status.hpp"

namespace nbsync::web {

struct VersionText {
  storage::ConfigVersion version;
  std::string text;
};

class HistorySource {
public:
  explicit HistorySource(std::filesystem::path database);
  ~HistorySource();

  // nullopt: nbsync never saw the device (or no database yet). Throw DatabaseError.
  std::optional<storage::DeviceStatus> device(std::int64_t device_id);
  std::vector<storage::ConfigVersion> versions(std::int64_t device_id);
  std::optional<VersionText> version_text(std::int64_t device_id, std::int64_t number);
  // nullopt when either version does not exist.
  std::optional<storage::ConfigDiff> diff(std::int64_t device_id, std::int64_t from, std::int64_t to);

private:
  // With m_mutex held: the open database, or nullptr when its file does not exist yet.
  storage::ConfigHistory* history();

  std::filesystem::path m_path;
  std::mutex m_mutex;
  std::unique_ptr<storage::Database> m_database;
  std::unique_ptr<storage::ConfigHistory> m_history;
};

}  // namespace nbsync::web
