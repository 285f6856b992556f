#pragma once
// A cycle's share of its zone's cycle, when this nbsync is a collector ([collector]; README,
// "Collectors"). It registers the collector and keeps its heartbeat on a thread of its own,
// enters the zone's cycle (joins the one open, or opens the next), claims the devices the
// walk hands it (the others belong to collectors that claimed them first), and at the end
// takes over what dead collectors left, waiting while live ones finish theirs, so that the
// zone's cycle closes with every device backed up once. Storage (collector_store.hpp) holds
// the claims; this class only drives them. Throws CycleError when the database fails.
// Thread-safe.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "storage/collector_store.hpp"
#include "storage/run_owner.hpp"

namespace nbsync::daemon {

class ZoneShare {
public:
  // Registers (a name alive elsewhere is refused), starts the heartbeat, enters the cycle.
  // `wait_for_interval`: the daemon waits for the next cycle when the zone's latest is
  // done within daemon.interval; `run --once` opens a new one.
  ZoneShare(const Config& config, bool wait_for_interval);
  ~ZoneShare();  // stops the heartbeat
  ZoneShare(const ZoneShare&) = delete;
  ZoneShare& operator=(const ZoneShare&) = delete;

  // None: the zone's cycle is done until next_at(); this cycle has nothing to do.
  const std::optional<storage::ZoneCycle>& cycle() const { return m_entry.cycle; }
  const storage::ZoneCycleEntry& entry() const { return m_entry; }
  const storage::CollectorIdentity& identity() const { return m_me; }
  storage::RunOwner owner() const;

  // The run this collector works in (after begin_run).
  void set_run(std::int64_t run_id) { m_run_id = run_id; }
  // The ones of `device_ids` this run claimed (the rest are other collectors').
  std::vector<std::int64_t> claim(std::span<const std::int64_t> device_ids);
  // What is left of the cycle: devices taken over now (empty while live collectors finish
  // theirs; wait_a_little() between asks), and whether anything is left at all.
  storage::ClaimsLeft take_what_is_left();
  // Sleeps until `stop` or a while: 100 ms at first, twice as long each time after, up to
  // a fraction of the lease (back to 100 ms once devices were taken over).
  void wait_a_little(std::stop_token stop);
  // Devices taken over that NetBox no longer lists: their claims end without an attempt.
  void mark_done(std::span<const std::int64_t> device_ids);
  // The run's claims it did not finish go back to the zone; returns how many.
  std::int64_t release();
  // One device's claim goes back now (nbsync's own failure, not the device's): another
  // collector takes it rather than wait for it. Callable from worker threads.
  void release(std::int64_t device_id);

  std::int64_t claimed() const { return m_claimed; }
  std::int64_t taken_over() const { return m_taken_over; }
  std::int64_t left_to_others() const { return m_left_to_others; }

private:
  void beat(std::stop_token stop);

  const Config& m_config;
  storage::CollectorIdentity m_me;
  std::unique_ptr<storage::Database> m_database;  // the walk thread's connection
  std::mutex m_store_mutex;                       // the walk thread and workers (release) share m_store
  std::unique_ptr<storage::CollectorStore> m_store;
  storage::ZoneCycleEntry m_entry;
  std::int64_t m_run_id = 0;
  std::int64_t m_claimed = 0;
  std::int64_t m_taken_over = 0;
  std::int64_t m_left_to_others = 0;
  static constexpr std::chrono::milliseconds k_first_pause{100};
  std::mutex m_mutex;                                      // guards m_next_pause; the heartbeat waits on it
  std::chrono::milliseconds m_next_pause = k_first_pause;  // wait_a_little's next sleep
  std::condition_variable_any m_wake;
  std::jthread m_heartbeat;  // last: its own connection, stopped first
};

}  // namespace nbsync::daemon
