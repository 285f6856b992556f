#include "web/history_source.hpp"

#include "storage/compliance_history.hpp"

namespace nbsync::web {

HistorySource::HistorySource(std::filesystem::path database, std::optional<storage::PostgresLocation> postgres)
    : m_path(std::move(database)), m_postgres(std::move(postgres)) {}

HistorySource::~HistorySource() = default;

storage::ConfigHistory* HistorySource::history() {
  if (!m_history) {
    if (m_postgres) {
      m_database = std::make_unique<storage::Database>(*m_postgres);
    } else {
      std::error_code ignored;
      if (!std::filesystem::exists(m_path, ignored)) {
        return nullptr;
      }
      m_database = std::make_unique<storage::Database>(m_path);
    }
    m_history = std::make_unique<storage::ConfigHistory>(*m_database);
  }
  return m_history.get();
}

std::optional<storage::DeviceStatus> HistorySource::device(std::int64_t device_id) {
  std::lock_guard lock(m_mutex);
  if (history() == nullptr) {
    return std::nullopt;
  }
  return storage::read_device_status(*m_database, device_id);
}

std::vector<storage::ConfigVersion> HistorySource::versions(std::int64_t device_id) {
  std::lock_guard lock(m_mutex);
  auto* source = history();
  return source == nullptr ? std::vector<storage::ConfigVersion>{} : source->versions(device_id);
}

DeviceDetails HistorySource::details(std::int64_t device_id) {
  std::lock_guard lock(m_mutex);
  if (history() == nullptr) {
    return {};
  }
  DeviceDetails details{storage::compliance_by_snapshot(*m_database, device_id),
                        storage::read_host_key_state(*m_database, device_id),
                        {}};
  for (auto& drift : storage::DriftStore(*m_database).history(device_id)) {
    details.drift.emplace(drift.snapshot_id, std::move(drift));
  }
  return details;
}

std::optional<VersionText> HistorySource::version_text(std::int64_t device_id, std::int64_t number) {
  std::lock_guard lock(m_mutex);
  auto* source = history();
  const auto version = source == nullptr ? std::nullopt : source->version(device_id, number);
  if (!version) {
    return std::nullopt;
  }
  return VersionText{*version, source->text(*version)};
}

std::optional<storage::ConfigDiff> HistorySource::diff(std::int64_t device_id, std::int64_t from, std::int64_t to) {
  std::lock_guard lock(m_mutex);
  auto* source = history();
  if (source == nullptr) {
    return std::nullopt;
  }
  const auto older = source->version(device_id, from);
  const auto newer = source->version(device_id, to);
  if (!older || !newer) {
    return std::nullopt;
  }
  return source->diff(*older, *newer);
}

bool HistorySource::read(const std::function<void(storage::Database&, storage::ConfigHistory&)>& query) {
  std::lock_guard lock(m_mutex);
  auto* source = history();
  if (source == nullptr) {
    return false;
  }
  query(*m_database, *source);
  return true;
}

}  // namespace nbsync::web
