#include "daemon/backup_cycle.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <iterator>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "backup/session_counts.hpp"
#include "daemon/cycle_backup_now.hpp"
#include "daemon/cycle_settings.hpp"
#include "daemon/drift_check.hpp"
#include "daemon/host_key_policy.hpp"
#include "daemon/progress_line.hpp"
#include "daemon/search_index_pass.hpp"
#include "daemon/zone_share.hpp"
#include "inventory/device_scope.hpp"
#include "storage/database.hpp"
#include "storage/host_key_store.hpp"
#include "types/device_label.hpp"

namespace nbsync::daemon {
namespace {

// How long a mid-cycle delivery of "back up now" answers may take (at most drain_timeout).
constexpr std::chrono::milliseconds k_answer_delivery_budget{10000};

std::string device_name(const inventory::Device& d) {
  return device_label(d.name, d.id);
}

storage::DeviceRecord to_record(const inventory::Device& d) {
  return {d.id, d.name, d.site, d.role, d.platform, d.tenant, d.status, d.address, d.tags};
}

// What storage records of one device's end, whether it was backed up or skipped.
storage::AttemptRecord attempt_of(inventory::Device& device, OutcomeKind kind, std::string message, int tries) {
  storage::AttemptRecord record;
  record.device_id = device.id;
  record.outcome = kind;
  record.message = std::move(message);
  record.tries = tries;
  if (!device.nbsync_fields.empty()) {
    record.shown = std::move(device.nbsync_fields);  // what NetBox shows now, to converge
  }
  return record;
}

// One line for every site's login pace (ssh.site_logins_per_second): how many sites, and the
// busiest one's logins.
void log_site_paces(const std::vector<backup::ScopeLimitState>& states) {
  const backup::ScopeLimitState* busiest = nullptr;
  std::size_t sites = 0;
  for (const auto& state : states) {
    if (state.site_pace) {
      ++sites;
      busiest = busiest == nullptr || state.logins > busiest->logins ? &state : busiest;
    }
  }
  if (busiest != nullptr) {
    spdlog::info(
        "cycle: logins paced at {} a second per site (ssh.site_logins_per_second) at {} site(s); "
        "busiest: {}, {} logins",
        busiest->logins_per_second_cap, sites, busiest->scope, busiest->logins);
  }
}

// One line per [[ssh.limit]] and jump host: its caps, and how close the cycle came to them;
// one per site that backed off.
void log_scope_limits(const std::vector<backup::ScopeLimitState>& states) {
  log_site_paces(states);
  for (const auto& state : states) {
    if (state.site_pace) {
      continue;
    }
    if (state.adaptive) {
      if (state.backoffs > 0) {  // a site that struggled: the others are not worth a line
        spdlog::warn(
            "cycle: {} struggled (sessions timing out together, or logins refused after a long wait): "
            "backed off {} time(s), down to {} sessions at once, {} at the end (peak {})",
            state.scope, state.backoffs, state.lowest_cap, state.sessions_cap, state.peak_sessions);
      }
      continue;
    }
    std::string caps;
    if (state.sessions_cap > 0) {
      caps = fmt::format("{} sessions", state.sessions_cap);
    }
    if (state.logins_per_second_cap > 0) {
      caps += fmt::format("{}{} logins/s", caps.empty() ? "" : ", ", state.logins_per_second_cap);
    }
    spdlog::info("cycle: limit {} ({}): peak {} sessions at once, {} logins", state.scope, caps, state.peak_sessions,
                 state.logins);
  }
}

// How close the sessions came to ssh.memory_budget, and whether any waited for it.
void log_memory_budget(const backup::MemoryBudgetState& state) {
  if (state.budget == 0) {
    return;
  }
  constexpr double k_mib = 1024.0 * 1024.0;
  spdlog::info(
      "cycle: memory budget {:.1f} MiB: peak {:.1f} MiB of config held at once; sessions waited {} time(s), "
      "{:.1f} s in all",
      static_cast<double>(state.budget) / k_mib, static_cast<double>(state.peak) / k_mib, state.waits,
      static_cast<double>(state.waited.count()) / 1000.0);
}

// One cycle as its steps, in order: open the run, stream the inventory (each page's
// in-scope devices go to the pool as the page arrives), back up, store (each result, as
// it ends, through the single writer), close the run, deliver the outbox. Owns what the
// cycle opens; nothing outlives it.
class BackupCycle {
public:
  BackupCycle(const Config& config, const CycleOptions& options, CycleSummary& summary)
      : m_config(config),
        m_options(options),
        m_summary(summary),
        m_profiles(cycle_profiles(config)),
        m_credentials(cycle_credentials(config)),
        m_scope(make_scope(config, m_profiles)) {}

  void run() {
    if (!open_run()) {
      m_summary.finish();
      return;  // the zone's cycle is done (another collector did it): nothing to do yet
    }
    const inventory::WalkResult walk = stream_inventory();
    if (m_zone) {
      finish_zone_share();
    }
    m_pool->finish();  // every device handed to the pool is backed up and stored
    if (m_zone) {
      release_unfinished_claims();
    }
    if (m_backup_now) {
      m_backup_now->stop_taking();  // requests from now on wait for the run after this one
    }
    const auto scopes = m_pool->scope_states();
    log_scope_limits(scopes);
    if (m_options.on_scopes) {
      m_options.on_scopes(scopes);
    }
    log_memory_budget(m_pool->memory_state());
    close_run(walk);
    if (m_backup_now) {
      m_backup_now->report();
    }
    check_drift_step();
    if (m_options.before_delivery) {
      m_options.before_delivery();
    }
    deliver();
    finish_index_pass();
  }

private:
  static inventory::DeviceScope make_scope(const Config& config, const backup::ProfileRegistry& profiles) {
    const auto names = profiles.names();
    return inventory::DeviceScope(config.netbox.filters.status, config.platforms, {names.begin(), names.end()});
  }

  // False when this collector's zone has nothing for it yet.
  bool open_run() {
    if (const std::string problem = database_path_problem(m_config); !problem.empty()) {
      throw ConfigError(problem);  // the same exit code (2) as every other command gives it
    }
    // Before the run opens: a scope whose region NetBox cannot list stops the cycle.
    inventory::NetboxOptions netbox = cycle_netbox_options(m_config);
    netbox.stop = m_options.stop;
    const inventory::RegionSites regions = cycle_region_sites(m_config, netbox);
    try {
      m_database = storage::open_database(cycle_database(m_config));
      m_host_keys = storage::open_host_keys(cycle_database(m_config));
    } catch (const storage::DatabaseError& e) {
      throw CycleError(e.what());
    }
    if (!enter_zone_cycle()) {
      return false;
    }
    m_writer = std::make_unique<storage::StorageWriter>(*m_database, cycle_writer_options(m_config));
    m_host_key_policy =
        std::make_unique<HostKeyPolicy>(*m_host_keys, *m_writer, m_config.ssh.host_key_policy == HostKeyTrust::strict);
    const auto run_id = m_writer->begin_run(run_owner());
    if (!run_id) {
      throw CycleError(m_writer->error().value_or(m_config.storage.database.string() + ": cannot start a run"));
    }
    m_run_id = *run_id;
    if (m_zone) {
      m_zone->set_run(m_run_id);
    }
    spdlog::info("cycle: run {} started; reading devices from {}", m_run_id, m_config.netbox.url);
    m_progress = std::make_unique<ProgressLine>(m_summary, m_options.show_progress);
    m_sessions_before = backup::session_counts();
    backup::PoolOptions pool = cycle_pool_options(m_config, regions);
    pool.limits.abandon = m_options.abandon;
    m_mask_key = pool.mask_key;
    m_pool = std::make_unique<backup::BackupPool>(pool, m_credentials, *m_host_key_policy,
                                                  [this](backup::BackupResult&& result) { store(std::move(result)); });
    if (m_options.backup_now != nullptr && m_options.only_devices.empty()) {
      m_backup_now = std::make_unique<CycleBackupNow>(
          m_config, *m_options.backup_now,
          [this](inventory::Device&& device) { return back_up_now(std::move(device)); },
          [this](std::stop_token stop) { deliver_answers(std::move(stop)); });
    }
    return true;
  }

  // A collector (config [collector]) joins its zone's cycle, or opens the next; false when
  // the zone's cycle is done until the interval passes (the daemon waits for it). A run of
  // devices asked for ("back up now") claims nothing: it is the run a user asked for.
  bool enter_zone_cycle() {
    if (!is_collector(m_config.collector) || !m_options.only_devices.empty()) {
      return true;
    }
    m_zone = std::make_unique<ZoneShare>(m_config, m_options.wait_for_zone_interval);
    const storage::ZoneCycleEntry& entry = m_zone->entry();
    const storage::CollectorIdentity& me = m_zone->identity();
    if (!entry.cycle) {
      spdlog::info("collector {}: zone {}'s cycle {} (opened by {}) is done; the next opens in {} s", me.name, me.zone,
                   entry.done->number, entry.done->opened_by, entry.next_at - entry.now);
      m_summary.set_zone({{"collector", me.name},
                          {"zone", me.zone},
                          {"cycle", entry.done->number},
                          {"done_by", entry.done->opened_by},
                          {"next_in_seconds", entry.next_at - entry.now},
                          {"next_at", entry.next_at}});
      return false;
    }
    spdlog::info("collector {}: zone {} cycle {} ({} by {})", me.name, me.zone, entry.cycle->number,
                 entry.cycle->opened_by == me.name ? "opened" : "joined, opened", entry.cycle->opened_by);
    return true;
  }

  storage::RunOwner run_owner() const {
    if (m_zone) {
      return m_zone->owner();
    }
    if (is_collector(m_config.collector)) {  // a "back up now" run: the collector's, in no cycle
      return {m_config.collector.name, m_config.collector.zone, std::nullopt};
    }
    return {};
  }

  // A device a NetBox user asked for during the cycle (CycleBackupNow's thread): mirrored,
  // then ahead of the pool's queue, or skipped with its reason.
  bool back_up_now(inventory::Device&& device) {
    if (!m_writer->submit_devices(m_run_id, {to_record(device)})) {
      m_storage_failed = true;
    }
    const auto decision = m_scope.decide(device);
    if (decision.in_scope()) {
      return m_pool->submit_urgent({std::move(device), m_profiles.find(decision.profile)});
    }
    skip(device, decision.skip_reason);
    return true;
  }

  void skip(inventory::Device& device, const std::string& reason) {
    claim_finished(device.id);
    m_summary.add_outcome(OutcomeKind::skipped, false, device_name(device), reason);
    storage::AttemptRecord attempt = attempt_of(device, OutcomeKind::skipped, device_name(device) + ": " + reason, 0);
    attempt.outbox_first = backup_now_rows(device.id, OutcomeKind::skipped, reason);
    record(std::move(attempt));
  }

  // The end of a "back up now" request for the device, if one waits for it.
  std::vector<storage::OutboxRow> backup_now_rows(std::int64_t device_id, OutcomeKind kind,
                                                  const std::string& message) {
    if (m_backup_now) {
      return m_backup_now->rows_for(device_id, kind, message);
    }
    return m_options.outbox_rows_for ? m_options.outbox_rows_for(device_id, kind, message)
                                     : std::vector<storage::OutboxRow>{};
  }

  inventory::WalkResult stream_inventory() {
    inventory::NetboxOptions options = cycle_netbox_options(m_config);
    options.stop = m_options.stop;
    inventory::NetboxClient netbox(options);
    inventory::DeviceQuery query = cycle_device_query(m_config);
    query.id = m_options.only_devices;
    const auto walk = netbox.walk_devices(query, [this](std::vector<inventory::Device>&& page) { take_page(page); });
    m_summary.set_inventory_result(walk.complete, walk.expected, walk.error);
    if (!walk.complete) {
      spdlog::error("cycle: NetBox inventory incomplete: {}; backed up the {} devices read, retiring none", walk.error,
                    walk.received);
    }
    return walk;
  }

  // One page of NetBox's devices: mirrored into the database, each device skipped (with
  // its reason) or handed to the pool; a collector's, only those it claimed.
  void take_page(std::vector<inventory::Device>& page) {
    mirror(page);
    m_summary.add_inventory(page.size());
    if (!m_zone) {
      back_up_or_skip(page);
      return;
    }
    // A collector claims a few devices at a time, and only while it has fewer than two per
    // worker claimed and unfinished: each collector claims as fast as it backs up, so the
    // zone's devices spread over its collectors by what each can do, not by who read NetBox first.
    const std::size_t chunk = std::clamp<std::size_t>(static_cast<std::size_t>(m_config.ssh.workers), 1, 256);
    for (std::size_t at = 0; at < page.size(); at += chunk) {
      std::vector<inventory::Device> claimed(
          std::make_move_iterator(page.begin() + static_cast<std::ptrdiff_t>(at)),
          std::make_move_iterator(page.begin() + static_cast<std::ptrdiff_t>(std::min(page.size(), at + chunk))));
      keep_claimed(claimed);
      back_up_or_skip(claimed);
    }
  }

  void mirror(const std::vector<inventory::Device>& page) {
    std::vector<storage::DeviceRecord> records;
    records.reserve(page.size());
    for (const auto& device : page) {
      records.push_back(to_record(device));
    }
    if (!m_writer->submit_devices(m_run_id, std::move(records))) {
      m_storage_failed = true;
    }
  }

  // The devices of `page` this collector claimed in the zone's cycle (the others are
  // claimed by, or done by, the zone's other collectors).
  void keep_claimed(std::vector<inventory::Device>& page) {
    wait_for_claim_room(page.size());
    if (m_storage_failed || m_options.stop.stop_requested()) {
      page.clear();
      return;
    }
    std::vector<std::int64_t> ids;
    ids.reserve(page.size());
    for (const auto& device : page) {
      ids.push_back(device.id);
    }
    const std::vector<std::int64_t> claimed = m_zone->claim(ids);
    const std::unordered_set<std::int64_t> mine(claimed.begin(), claimed.end());
    std::erase_if(page, [&](const inventory::Device& device) { return !mine.contains(device.id); });
    claims_opened(claimed);
  }

  // Claimed and not finished: at most two per worker (and one chunk more).
  void wait_for_claim_room(std::size_t chunk) {
    const std::size_t ahead = 2 * static_cast<std::size_t>(std::max(1, m_config.ssh.workers));
    std::unique_lock lock(m_claims_mutex);
    m_claims_room.wait(lock, m_options.stop, [&] {
      return m_storage_failed || m_open_claims.empty() || m_open_claims.size() + chunk <= ahead;
    });
  }

  void claims_opened(const std::vector<std::int64_t>& ids) {
    std::lock_guard lock(m_claims_mutex);
    m_open_claims.insert(ids.begin(), ids.end());
  }

  // The device's claim is finished here (stored, skipped, or given up): room for the next.
  void claim_finished(std::int64_t device_id) {
    if (!m_zone) {
      return;
    }
    {
      std::lock_guard lock(m_claims_mutex);
      if (m_open_claims.erase(device_id) == 0) {
        return;
      }
    }
    m_claims_room.notify_all();
  }

  void back_up_or_skip(std::vector<inventory::Device>& page) {
    for (auto& device : page) {
      if (m_storage_failed || m_options.stop.stop_requested()) {
        return;  // storing or stopping: take no new devices
      }
      if (m_backup_now && m_backup_now->taken(device.id)) {
        continue;  // backed up ahead of the queue ("back up now")
      }
      if (m_backup_now) {
        m_backup_now->serve_if_asked(device);  // a trigger left set with no webhook heard
      }
      const auto decision = m_scope.decide(device);
      if (decision.in_scope()) {
        auto profile = m_profiles.find(decision.profile);
        m_drift_devices.push_back(
            {device.id, device_name(device), profile, device.config_template, device.role, device.platform});
        m_pool->submit({std::move(device), std::move(profile)});
        continue;
      }
      skip(device, decision.skip_reason);
    }
  }

  // The walk is done: what is left of the zone's cycle (devices other collectors released,
  // or claimed and then died with) is taken over and backed up here; while live collectors
  // finish theirs, this one waits, so that the cycle closes with every device backed up.
  void finish_zone_share() {
    while (!m_options.stop.stop_requested() && !m_storage_failed) {
      const storage::ClaimsLeft left = m_zone->take_what_is_left();
      if (!left.taken.empty()) {
        spdlog::info("collector {}: took over {} device(s) another collector left", m_zone->identity().name,
                     left.taken.size());
        claims_opened(left.taken);
        back_up_taken_over(left.taken);
      } else if (left.held_by_others == 0) {
        return;
      } else {
        m_zone->wait_a_little(m_options.stop);
      }
    }
  }

  // Devices taken over are read from NetBox again (by id, within the zone's filters); the
  // ones it no longer lists there end their claims without an attempt.
  void back_up_taken_over(const std::vector<std::int64_t>& ids) {
    constexpr std::size_t k_ids_per_request = 100;
    inventory::NetboxOptions options = cycle_netbox_options(m_config);
    options.stop = m_options.stop;
    inventory::NetboxClient netbox(options);
    for (std::size_t at = 0; at < ids.size(); at += k_ids_per_request) {
      inventory::DeviceQuery query = cycle_device_query(m_config);
      query.id.assign(ids.begin() + static_cast<std::ptrdiff_t>(at),
                      ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), at + k_ids_per_request)));
      std::unordered_set<std::int64_t> listed;
      const auto walk = netbox.walk_devices(query, [&](std::vector<inventory::Device>&& page) {
        for (const auto& device : page) {
          listed.insert(device.id);
        }
        mirror(page);
        back_up_or_skip(page);
      });
      if (!walk.complete) {
        spdlog::warn("collector {}: reading devices taken over from NetBox failed ({}); they go back to the zone",
                     m_zone->identity().name, walk.error);
        continue;
      }
      std::erase_if(query.id, [&](std::int64_t id) { return listed.contains(id); });
      m_zone->mark_done(query.id);
      for (const std::int64_t id : query.id) {
        claim_finished(id);
      }
    }
  }

  // Claims this run will not finish (nbsync stopping, or out of file descriptors) go back to
  // the zone's other collectors; what it did goes into the summary.
  void release_unfinished_claims() {
    const storage::CollectorIdentity& me = m_zone->identity();
    if (!m_writer->flush()) {  // the attempts stored mark their claims done: those first
      m_storage_failed = true;
    }
    const std::int64_t released = m_zone->release();
    if (released > 0) {
      spdlog::warn("collector {}: {} claimed device(s) not backed up go back to zone {}'s other collectors", me.name,
                   released, me.zone);
    }
    const std::int64_t interval = std::chrono::duration_cast<std::chrono::seconds>(m_config.daemon.interval).count();
    m_summary.set_zone({{"collector", me.name},
                        {"zone", me.zone},
                        {"cycle", m_zone->cycle()->number},
                        {"claimed", m_zone->claimed()},
                        {"taken_over", m_zone->taken_over()},
                        {"left_to_others", m_zone->left_to_others()},
                        {"released", released},
                        {"next_at", m_zone->cycle()->opened_at + interval}});
  }

  // A worker's result (called on worker threads): counted, logged and recorded, unless
  // the device is not to blame (nbsync out of file descriptors, or abandoned as it stops).
  void store(backup::BackupResult&& result) {
    claim_finished(result.device.id);
    const auto& outcome = result.outcome;
    const bool ok = outcome.kind == OutcomeKind::ok;
    if ((outcome.local_failure || outcome.abandoned) && m_zone) {
      m_zone->release(result.device.id);  // another collector of the zone backs it up
    }
    if (outcome.local_failure) {
      m_summary.add_local_failure(outcome.message);  // its state and NetBox stay as they were
      return;
    }
    if (outcome.abandoned) {
      // Given up because nbsync is stopping: the next cycle backs it up.
      spdlog::info("{}: not backed up, nbsync is shutting down", device_name(result.device));
      return;
    }
    if (m_options.on_device) {
      m_options.on_device(outcome.kind, result.bytes_read);
    }
    if (!ok && m_options.log_each_failure) {
      spdlog::warn("{}: {} after {} attempt(s): {}", device_name(result.device), to_string(outcome.kind),
                   outcome.attempts, outcome.message);
    }
    m_summary.add_outcome(outcome.kind, false, device_name(result.device), outcome.message);
    storage::AttemptRecord attempt = attempt_of(result.device, outcome.kind, outcome.message, outcome.attempts);
    attempt.outbox_first = backup_now_rows(result.device.id, outcome.kind, outcome.message);
    attempt.jump_host = outcome.jump_host;
    attempt.duration = result.duration;
    attempt.bytes = static_cast<std::int64_t>(result.bytes_read);
    if (ok) {
      attempt.config = std::move(result.config.text);
      attempt.mask_key = std::move(result.config.mask_key);
    }
    record(std::move(attempt));
  }

  void record(storage::AttemptRecord&& attempt) {
    const bool answers_request = !attempt.outbox_first.empty();
    if (!m_writer->submit(m_run_id, std::move(attempt))) {
      m_storage_failed = true;
      return;
    }
    if (answers_request && m_backup_now) {
      m_backup_now->answered();  // its journal entry goes out now, not after the cycle
    }
  }

  // Mid-cycle, for "back up now" answers: what is stored so far goes out (the cleared
  // trigger and the journal entry with it, ahead of the device's status writes).
  // Never throws (it runs on CycleBackupNow's thread): what fails here goes out after the cycle.
  void deliver_answers(std::stop_token stop) {
    try {
      if (m_writer->flush()) {
        deliver_outbox(m_config, std::min(m_config.notify.drain_timeout, k_answer_delivery_budget), std::move(stop));
      }
    } catch (const std::exception& e) {
      spdlog::warn("notify: delivering 'back up now' answers during the cycle failed ({}); they go out after it",
                   e.what());
    }
  }

  void close_run(const inventory::WalkResult& walk) {
    m_progress.reset();
    if (m_summary.local_failures() > 0) {
      spdlog::error(
          "cycle: {} device(s) not backed up for a reason of nbsync's own (out of file descriptors: raise "
          "LimitNOFILE= or ulimit -n, or lower ssh.workers; the database unreachable: see the error); their state "
          "is unchanged",
          m_summary.local_failures());
    }
    const bool whole = walk.complete && m_options.only_devices.empty();
    const auto totals = m_writer->finish_run(m_run_id, whole && !m_storage_failed, run_note(walk));
    const bool stored = m_writer->close();
    const backup::SessionCounts sessions = backup::session_counts();
    m_summary.set_round_trips(sessions.sessions - m_sessions_before.sessions,
                              sessions.round_trips - m_sessions_before.round_trips);
    m_summary.finish();
    if (!totals || !stored || m_storage_failed) {
      throw CycleError(
          m_writer->error().value_or(m_config.storage.database.string() + ": results could not be stored"));
    }
    m_summary.set_changed(static_cast<std::size_t>(totals->changed));
    m_summary.set_retired(static_cast<std::size_t>(totals->retired));
    m_indexed_during_run = totals->indexed;
    m_index_pass.emplace(cycle_database(m_config), m_options.stop);  // beside drift and delivery
    if (totals->pruned_versions > 0) {
      spdlog::info("cycle: retention removed {} old version(s)", totals->pruned_versions);
    }
  }

  // Waits for the search index pass that began as the run closed.
  void finish_index_pass() {
    if (!m_index_pass) {
      return;
    }
    const SearchIndexPassResult pass = m_index_pass->wait();
    const std::int64_t indexed = m_indexed_during_run + pass.indexed;
    m_summary.set_search_index(static_cast<std::size_t>(indexed), pass.seconds);
    if (indexed > 0) {
      spdlog::info(
          "cycle: {} new config(s) added to the search index ({:.1f} s of it after the run, beside the "
          "drift check and delivery)",
          indexed, pass.seconds);
    }
  }

  // Drift from NetBox's intended configs, for the devices backed up (daemon/drift_check.hpp).
  void check_drift_step() {
    try {
      m_summary.set_drift(check_drift(m_config, *m_database, m_run_id, m_drift_devices, m_mask_key, m_options.stop));
    } catch (const storage::DatabaseError& e) {
      throw CycleError(e.what());
    }
  }

  std::string run_note(const inventory::WalkResult& walk) const {
    if (!walk.complete) {
      return "inventory incomplete: " + walk.error;
    }
    if (!m_options.only_devices.empty()) {
      return "back up now: " + std::to_string(m_options.only_devices.size()) + " device(s) asked for through NetBox";
    }
    return "";
  }

  // NetBox and Slack learn what the run committed (the writer put it in the outbox).
  void deliver() { m_summary.set_delivery(deliver_outbox(m_config, m_config.notify.drain_timeout, m_options.stop)); }

  const Config& m_config;
  const CycleOptions& m_options;
  CycleSummary& m_summary;
  backup::SessionCounts m_sessions_before;  // the process's, as the run opened
  const backup::ProfileRegistry m_profiles;
  const backup::CredentialBook m_credentials;
  const inventory::DeviceScope m_scope;
  std::unique_ptr<storage::Database> m_database;
  std::unique_ptr<storage::HostKeyStore> m_host_keys;
  std::unique_ptr<storage::StorageWriter> m_writer;
  std::unique_ptr<HostKeyPolicy> m_host_key_policy;
  std::int64_t m_indexed_during_run = 0;        // by the writer, while idle
  std::optional<SearchIndexPass> m_index_pass;  // from the run's close to the cycle's end
  std::int64_t m_run_id = 0;
  std::vector<DriftDevice> m_drift_devices;  // the in-scope devices, for the drift check
  // The key the cycle's configs were masked under (null: none): intended configs are masked
  // with it too, so that a secret NetBox renders as the device has it is not drift.
  std::shared_ptr<const backup::MaskKey> m_mask_key;
  std::atomic<bool> m_storage_failed = false;
  std::unique_ptr<ProgressLine> m_progress;
  // Before the pool: workers use them until the pool is gone (also when a cycle fails).
  std::unique_ptr<ZoneShare> m_zone;  // a collector's share of its zone's cycle; null otherwise
  std::mutex m_claims_mutex;
  std::condition_variable_any m_claims_room;
  std::unordered_set<std::int64_t> m_open_claims;  // claimed by this run, not finished yet
  std::unique_ptr<backup::BackupPool> m_pool;      // its workers stop before what they use goes
  std::unique_ptr<CycleBackupNow> m_backup_now;    // last: its thread stops before the pool goes
};

}  // namespace

notify::DrainReport deliver_outbox(const Config& config, std::chrono::milliseconds budget, std::stop_token stop) {
  notify::OutboxSender sender(cycle_database(config), cycle_outbox_options(config, std::move(stop)));
  const auto report = sender.drain(std::chrono::steady_clock::now() + budget);
  if (report.requests > 0 || report.left > 0) {
    spdlog::info("notify: {} message(s) delivered in {} request(s), {} refused, {} waiting", report.delivered,
                 report.requests, report.refused + report.refused_fields, report.left);
  }
  return report;
}

void run_backup_cycle(const Config& config, const CycleOptions& options, CycleSummary& summary) {
  BackupCycle(config, options, summary).run();
}

}  // namespace nbsync::daemon
