#include "daemon/zone_share.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include "daemon/backup_cycle.hpp"
#include "daemon/cycle_settings.hpp"

namespace nbsync::daemon {
namespace {

// Devices taken over at once when a collector's share of the cycle is left to finish.
constexpr std::size_t k_take_over_batch = 500;

std::string host_and_pid() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) {
    host[0] = '\0';
  }
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

std::chrono::milliseconds heartbeat_every(const storage::CollectorIdentity& me) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(me.lease) / 4;
}

}  // namespace

ZoneShare::ZoneShare(const Config& config, bool wait_for_interval) : m_config(config) {
  m_me.name = config.collector.name;
  m_me.zone = config.collector.zone;
  m_me.zone_filters = zone_of(config.netbox.filters);
  m_me.host = host_and_pid();
  m_me.lease = config.collector.lease;
  try {
    m_database = storage::open_database(cycle_database(config));
    m_store = std::make_unique<storage::CollectorStore>(*m_database);
    m_store->heartbeat(m_me);
    m_entry = m_store->enter_cycle(m_me, std::chrono::duration_cast<std::chrono::seconds>(config.daemon.interval),
                                   wait_for_interval);
  } catch (const storage::DatabaseError& e) {
    throw CycleError(e.what());
  }
  m_heartbeat = std::jthread([this](std::stop_token stop) { beat(std::move(stop)); });
}

ZoneShare::~ZoneShare() {
  m_heartbeat.request_stop();
  m_wake.notify_all();
}

storage::RunOwner ZoneShare::owner() const {
  storage::RunOwner owner{m_me.name, m_me.zone, std::nullopt};
  if (m_entry.cycle) {
    owner.zone_cycle = m_entry.cycle->number;
  }
  return owner;
}

// The heartbeat on its own connection (the walk thread uses the other one). A failure is
// told once and retried: after a lease without one, the other collectors take this one's
// devices over, which is what they should do with a collector that lost the database.
void ZoneShare::beat(std::stop_token stop) {
  std::unique_ptr<storage::Database> database;
  bool failing = false;
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_wake.wait_for(lock, stop, heartbeat_every(m_me), [] { return false; });
    if (stop.stop_requested()) {
      return;
    }
    lock.unlock();
    try {
      if (!database) {
        database = storage::open_database(cycle_database(m_config));
      }
      storage::CollectorStore(*database).heartbeat(m_me);
      if (failing) {
        spdlog::info("collector {}: heartbeat renewed", m_me.name);
      }
      failing = false;
    } catch (const std::exception& e) {
      if (!failing) {
        spdlog::warn(
            "collector {}: the heartbeat failed ({}); after {} s without one the zone's other collectors "
            "take over this one's devices",
            m_me.name, e.what(), m_me.lease.count());
      }
      failing = true;
    }
    lock.lock();
  }
}

std::vector<std::int64_t> ZoneShare::claim(std::span<const std::int64_t> device_ids) {
  try {
    const std::lock_guard lock(m_store_mutex);
    std::vector<std::int64_t> claimed = m_store->claim(m_me, m_entry.cycle->number, m_run_id, device_ids);
    m_claimed += static_cast<std::int64_t>(claimed.size());
    m_left_to_others += static_cast<std::int64_t>(device_ids.size() - claimed.size());
    return claimed;
  } catch (const storage::DatabaseError& e) {
    throw CycleError(e.what());
  }
}

storage::ClaimsLeft ZoneShare::take_what_is_left() {
  try {
    const std::lock_guard lock(m_store_mutex);
    storage::ClaimsLeft left = m_store->take_what_is_left(m_me, m_entry.cycle->number, m_run_id, k_take_over_batch);
    m_taken_over += static_cast<std::int64_t>(left.taken.size());
    if (!left.taken.empty()) {
      const std::lock_guard pause_lock(m_mutex);
      m_next_pause = k_first_pause;
    }
    return left;
  } catch (const storage::DatabaseError& e) {
    throw CycleError(e.what());
  }
}

// The others' last claims usually end within a moment of this collector's: the first asks
// come soon, then further apart, up to a fraction of the lease (a slow device may hold its
// claim for minutes).
void ZoneShare::wait_a_little(std::stop_token stop) {
  const auto longest =
      std::clamp(heartbeat_every(m_me), std::chrono::milliseconds(200), std::chrono::milliseconds(2000));
  std::unique_lock lock(m_mutex);
  const auto pause = std::min(m_next_pause, longest);
  m_next_pause = std::min(2 * pause, longest);
  m_wake.wait_for(lock, stop, pause, [] { return false; });
}

void ZoneShare::mark_done(std::span<const std::int64_t> device_ids) {
  try {
    const std::lock_guard lock(m_store_mutex);
    m_store->mark_done(m_run_id, device_ids);
  } catch (const storage::DatabaseError& e) {
    throw CycleError(e.what());
  }
}

std::int64_t ZoneShare::release() {
  try {
    const std::lock_guard lock(m_store_mutex);
    return m_store->release(m_run_id);
  } catch (const storage::DatabaseError& e) {
    throw CycleError(e.what());
  }
}

void ZoneShare::release(std::int64_t device_id) {
  try {
    const std::lock_guard lock(m_store_mutex);
    m_store->release(m_run_id, device_id);
  } catch (const storage::DatabaseError& e) {
    spdlog::warn("collector {}: {}; the claim goes back when its lease runs out", m_me.name, e.what());
  }
}

}  // namespace nbsync::daemon
