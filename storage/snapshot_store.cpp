#include "storage/snapshot_store.hpp"

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/blob_writes.hpp"
#include "storage/detail/compliance_writes.hpp"
#include "storage/detail/device_columns.hpp"
#include "storage/detail/host_key_writes.hpp"
#include "storage/detail/outbox_insert.hpp"
#include "storage/detail/unified_diff.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <stdexcept>

#include "storage/detail/line_diff.hpp"
#include "storage/detail/run_digest.hpp"
#include "storage/detail/sha256.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"
#include "storage/detail/state_transition.hpp"
#include "types/mask_tag.hpp"

namespace nbsync::storage {
namespace {

// SQL for both engines: RETURNING (SQLite 3.35+), IS DISTINCT FROM (3.39+) and ON CONFLICT
// upserts are spelled alike in both; a run's JSON summary is built here, not in SQL.
// A zone's run is reported with its cycle (k_close_zone_cycle_sql), never alone.
constexpr const char* k_insert_run_sql = R"sql(
  INSERT INTO runs (started_at, reported, collector, zone, zone_cycle) VALUES (?1, ?5, ?2, ?3, ?4) RETURNING id
)sql";

constexpr const char* k_upsert_device_sql = R"sql(
  INSERT INTO devices (id, name, site, role, platform, tenant, status, address, tags,
                       first_seen, last_seen, last_seen_run, retired_at, zone)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?11, ?9, ?9, ?10, NULL, (SELECT zone FROM runs WHERE id = ?10))
  ON CONFLICT (id) DO UPDATE SET
    name = excluded.name, site = excluded.site, role = excluded.role, platform = excluded.platform,
    tenant = excluded.tenant, status = excluded.status, address = excluded.address, tags = excluded.tags,
    last_seen = excluded.last_seen, retired_at = NULL,
    zone = excluded.zone,
    -- the newest run that saw it, though collectors of one zone mirror it in any order
    last_seen_run = CASE WHEN devices.last_seen_run IS NULL OR excluded.last_seen_run > devices.last_seen_run
                         THEN excluded.last_seen_run ELSE devices.last_seen_run END
)sql";

constexpr const char* k_latest_snapshot_sql = R"sql(
  SELECT id, device_id, run_id, taken_at, sha256, size, line_count, lines_added, lines_removed, mask_key, rekeyed
  FROM snapshots WHERE device_id = ?1 ORDER BY id DESC LIMIT 1
)sql";

constexpr const char* k_insert_snapshot_sql = R"sql(
  INSERT INTO snapshots (device_id, run_id, taken_at, sha256, size, line_count, lines_added, lines_removed,
                         mask_key, rekeyed)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
  RETURNING id
)sql";

constexpr const char* k_insert_attempt_sql = R"sql(
  INSERT INTO attempts (run_id, device_id, outcome, message, tries, duration_ms, bytes, changed,
                        snapshot_id, recorded_at, config_change, event, event_detail, jump_host)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
)sql";

// Devices of the run's zone (all of them without collectors) no run since this one saw.
constexpr const char* k_retire_missing_sql = R"sql(
  UPDATE devices SET retired_at = ?2
  WHERE retired_at IS NULL AND zone = (SELECT zone FROM runs WHERE id = ?1)
    AND (last_seen_run IS NULL OR last_seen_run < ?1)
)sql";

// The claim of the attempt's device in the run's zone cycle is done (no claim: nothing).
constexpr const char* k_claim_done_sql = "UPDATE device_claims SET done_at = ?3 WHERE run_id = ?1 AND device_id = ?2";

constexpr const char* k_run_zone_sql =
    "SELECT zone, zone_cycle, collector FROM runs WHERE id = ?1 AND zone_cycle IS NOT NULL";

// The zone's cycle closes when no claim in it is left undone; only one collector closes it.
constexpr const char* k_close_zone_cycle_sql = R"sql(
  UPDATE zone_cycles SET closed_at = ?3, closed_by = ?4
   WHERE zone = ?1 AND cycle = ?2 AND closed_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM device_claims WHERE zone = ?1 AND cycle = ?2 AND done_at IS NULL)
)sql";

constexpr const char* k_zone_cycle_totals_sql = R"sql(
  SELECT count(DISTINCT collector), coalesce(sum(attempts), 0), coalesce(sum(changed), 0), coalesce(sum(retired), 0)
    FROM runs WHERE zone = ?1 AND zone_cycle = ?2
)sql";

constexpr const char* k_zone_cycle_outcomes_sql = R"sql(
  SELECT a.outcome, count(*) FROM attempts a
   WHERE a.run_id IN (SELECT id FROM runs WHERE zone = ?1 AND zone_cycle = ?2) GROUP BY a.outcome
)sql";

constexpr const char* k_add_retired_sql = "UPDATE runs SET retired = retired + ?2 WHERE id = ?1";

constexpr const char* k_finish_run_sql = R"sql(
  UPDATE runs SET
    finished_at = ?2,
    inventory_complete = ?3,
    note = ?4,
    summary = ?5,
    attempts = (SELECT count(*) FROM attempts WHERE run_id = ?1),
    changed = (SELECT count(*) FROM attempts WHERE run_id = ?1 AND changed = 1)
  WHERE id = ?1
)sql";

constexpr const char* k_run_totals_sql = "SELECT attempts, changed, retired FROM runs WHERE id = ?1";

constexpr const char* k_run_outcomes_sql = "SELECT outcome, count(*) FROM attempts WHERE run_id = ?1 GROUP BY outcome";

constexpr const char* k_select_state_sql = R"sql(
  SELECT d.name, s.status, s.message, s.config_sha256, s.failing_since, s.last_success_at, s.last_change_at,
         s.notified, s.notified_at, s.device_id IS NOT NULL, s.compliance, s.drift
    FROM devices d LEFT JOIN device_states s ON s.device_id = d.id
   WHERE d.id = ?1
)sql";

constexpr const char* k_upsert_state_sql = R"sql(
  INSERT INTO device_states (device_id, status, message, config_sha256, failing_since, last_success_at,
                             last_change_at, notified, notified_at, updated_at, compliance)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
  ON CONFLICT (device_id) DO UPDATE SET
    status = excluded.status, message = excluded.message, config_sha256 = excluded.config_sha256,
    failing_since = excluded.failing_since, last_success_at = excluded.last_success_at,
    last_change_at = excluded.last_change_at, notified = excluded.notified, notified_at = excluded.notified_at,
    updated_at = excluded.updated_at, compliance = excluded.compliance
)sql";

// Device fields are state, not messages: a newer row for a device replaces one still waiting.
constexpr const char* k_supersede_fields_sql = R"sql(
  DELETE FROM outbox WHERE kind = 'device_fields' AND device_id = ?1 AND channel = ?2 AND refused_at IS NULL
)sql";

// Runs whose Slack message was never composed: they died before finish_run.
constexpr const char* k_unreported_runs_sql = "SELECT id FROM runs WHERE reported = 0 AND id < ?1 ORDER BY id";
constexpr const char* k_mark_reported_sql = "UPDATE runs SET reported = 1 WHERE id = ?1";

constexpr std::size_t k_diff_excerpt_lines = 40;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

SnapshotStore::SnapshotStore(Database& database, std::size_t commit_every, int full_copy_every)
    : m_sql(database.connection()),
      m_commit_every(commit_every),
      m_host_keys(std::make_unique<detail::HostKeyWrites>(m_sql)),
      m_blobs(std::make_unique<detail::BlobWrites>(m_sql, full_copy_every)),
      m_compliance(std::make_unique<detail::ComplianceWrites>(m_sql)) {}

SnapshotStore::~SnapshotStore() {
  try {
    rollback();
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing more can be done in a destructor
  }
}

void SnapshotStore::ensure_transaction() {
  if (!m_sql.in_transaction()) {
    // On SQLite BEGIN IMMEDIATE: it takes the write lock now, so reads in the batch never
    // need an upgrade that another connection (host keys) could make fail with
    // SQLITE_BUSY_SNAPSHOT.
    m_sql.begin();
  }
}

void SnapshotStore::commit() {
  try {
    if (m_sql.in_transaction()) {
      m_sql.commit();
    }
    m_uncommitted_attempts = 0;
  } catch (const std::exception& e) {
    fail("committing " + std::to_string(m_uncommitted_attempts) + " attempts", e);
  }
}

void SnapshotStore::rollback() {
  m_uncommitted_attempts = 0;
  m_sql.rollback();
}

void SnapshotStore::fail(std::string_view doing, const std::exception& error) {
  std::string what(doing);
  if (m_uncommitted_attempts > 0) {
    what.append(" (the ")
        .append(std::to_string(m_uncommitted_attempts))
        .append(" attempts not yet committed were rolled back)");
  }
  rollback();
  throw detail::sql_failure(m_sql, what, error);
}

std::int64_t SnapshotStore::begin_run(const RunOwner& owner) {
  commit();
  try {
    ensure_transaction();
    const std::int64_t id = detail::query_integer(m_sql, k_insert_run_sql,
                                                  detail::SqlParams()
                                                      .add(unix_now())
                                                      .add(owner.collector)
                                                      .add(owner.zone)
                                                      .add(owner.zone_cycle)
                                                      .add(std::int64_t{owner.zone_cycle ? 1 : 0}));
    if (owner.zone_cycle) {
      m_zone_runs.insert(id);  // its attempts mark their claims done
    }
    report_interrupted_runs(id);
    commit();
    return id;
  } catch (const std::exception& e) {
    fail("starting a run", e);
  }
}

void SnapshotStore::report_interrupted_runs(std::int64_t current_run) {
  std::vector<std::int64_t> runs;
  {
    const std::unique_ptr<detail::SqlRows> unreported =
        m_sql.query(k_unreported_runs_sql, detail::SqlParams().add(current_run));
    while (unreported->next()) {
      runs.push_back(unreported->integer(0));
    }
  }
  for (const std::int64_t run : runs) {
    report_run(run, run_summary(run), true);
  }
}

void SnapshotStore::report_run(std::int64_t run_id, const RunSummary& totals, bool interrupted) {
  if (m_hooks.on_run) {
    RunDigest digest = detail::read_run_digest(m_sql, run_id);
    digest.totals = totals;
    digest.interrupted = interrupted;
    const std::int64_t now = unix_now();
    for (const auto& row : m_hooks.on_run(digest)) {
      insert_outbox(row, now);
    }
  }
  m_sql.execute(k_mark_reported_sql, detail::SqlParams().add(run_id));
}

void SnapshotStore::record_host_key(std::int64_t device_id, const HostKey& presented, bool strict) {
  try {
    ensure_transaction();
    m_host_keys->record(device_id, presented, strict, unix_now());
  } catch (const std::exception& e) {
    fail("recording the host key of device " + std::to_string(device_id), e);
  }
}

void SnapshotStore::upsert_devices(std::int64_t run_id, std::span<const DeviceRecord> devices) {
  try {
    ensure_transaction();
    const std::int64_t now = unix_now();
    for (const DeviceRecord& device : devices) {
      m_sql.execute_queued(k_upsert_device_sql, detail::SqlParams()
                                                    .add(device.id)
                                                    .add(device.name)
                                                    .add(device.site)
                                                    .add(device.role)
                                                    .add(device.platform)
                                                    .add(device.tenant)
                                                    .add(device.status)
                                                    .add(device.address)
                                                    .add(now)
                                                    .add(run_id)
                                                    .add(detail::join_tags(device.tags)));
    }
  } catch (const std::exception& e) {
    fail("updating " + std::to_string(devices.size()) + " devices from the inventory", e);
  }
}

RecordedAttempt SnapshotStore::record_attempt(std::int64_t run_id, const AttemptRecord& attempt) {
  try {
    ensure_transaction();
    const std::int64_t now = unix_now();
    RecordedAttempt result;
    if (attempt.outcome == OutcomeKind::ok) {
      if (!attempt.config) {
        throw std::invalid_argument("an ok attempt must carry the config text");
      }
      result = store_config(run_id, attempt, now);
      check_compliance(attempt.device_id, *attempt.config, result, now);
    }
    for (const auto& row : attempt.outbox_first) {
      insert_outbox(row, now);
    }
    const detail::AttemptEvent event = update_state(run_id, attempt, result, now);
    m_sql.execute_queued(k_insert_attempt_sql, detail::SqlParams()
                                                   .add(run_id)
                                                   .add(attempt.device_id)
                                                   .add(to_string(attempt.outcome))
                                                   .add(attempt.message)
                                                   .add(std::int64_t{attempt.tries})
                                                   .add(static_cast<std::int64_t>(attempt.duration.count()))
                                                   .add(attempt.bytes)
                                                   .add(std::int64_t{result.changed ? 1 : 0})
                                                   .add(result.snapshot_id)
                                                   .add(now)
                                                   .add(std::int64_t{event.config_change ? 1 : 0})
                                                   .add(event.transition)
                                                   .add(event.detail)
                                                   .add(attempt.jump_host));
    if (m_zone_runs.contains(run_id)) {
      m_sql.execute_queued(k_claim_done_sql, detail::SqlParams().add(run_id).add(attempt.device_id).add(now));
    }
    ++m_uncommitted_attempts;
    if (m_commit_every > 0 && m_uncommitted_attempts >= m_commit_every) {
      commit();
    }
    return result;
  } catch (const std::exception& e) {
    fail("recording the attempt of device " + std::to_string(attempt.device_id), e);
  }
}

RecordedAttempt SnapshotStore::store_config(std::int64_t run_id, const AttemptRecord& attempt, std::int64_t now) {
  const std::int64_t device_id = attempt.device_id;
  const std::string& config = *attempt.config;
  const std::string hash = detail::sha256_hex(config);
  const std::optional<SnapshotInfo> previous = latest_snapshot(device_id);
  if (previous && previous->sha256 == hash) {
    RecordedAttempt unchanged;
    unchanged.sha256 = hash;
    unchanged.current_snapshot_id = previous->id;
    return unchanged;
  }

  const std::optional<std::string> before =
      previous ? std::optional<std::string>(config_by_hash(previous->sha256)) : std::nullopt;
  m_blobs->store(hash, config, before ? std::optional<detail::BlobBase>({previous->sha256, *before}) : std::nullopt);

  const auto line_count = static_cast<std::int64_t>(detail::split_lines(config).size());
  detail::LineChanges changes{line_count, 0};
  std::string excerpt;
  // Only the key the secrets are tagged under differs (a new key, or the first keyed backup
  // after "<removed>"): stored, so that the next backup compares under the same key, but
  // not a change. A secret rotated in the same backup as the key is not told apart.
  const bool rekeyed =
      before && previous->mask_key != attempt.mask_key && without_mask_tags(*before) == without_mask_tags(config);
  if (rekeyed) {
    changes = {0, 0};
  } else if (before) {
    changes = detail::count_line_changes(*before, config);
    if (m_hooks.on_device) {
      excerpt = detail::unified_diff_excerpt(*before, config, changes, k_diff_excerpt_lines);
    }
  }

  const std::int64_t snapshot_id = detail::query_integer(m_sql, k_insert_snapshot_sql,
                                                         detail::SqlParams()
                                                             .add(device_id)
                                                             .add(run_id)
                                                             .add(now)
                                                             .add(hash)
                                                             .add(static_cast<std::int64_t>(config.size()))
                                                             .add(line_count)
                                                             .add(changes.added)
                                                             .add(changes.removed)
                                                             .add(attempt.mask_key)
                                                             .add(std::int64_t{rekeyed ? 1 : 0}));
  m_compliance->forget_latest(device_id);
  RecordedAttempt stored;
  stored.changed = !rekeyed;
  stored.snapshot_id = snapshot_id;
  stored.lines_added = changes.added;
  stored.lines_removed = changes.removed;
  stored.sha256 = hash;
  stored.diff_excerpt = std::move(excerpt);
  stored.current_snapshot_id = snapshot_id;
  return stored;
}

void SnapshotStore::check_compliance(std::int64_t device_id, const std::string& config, RecordedAttempt& recorded,
                                     std::int64_t now) {
  if (!m_compliance_hooks.evaluate || !recorded.current_snapshot_id ||
      m_compliance->has_results(*recorded.current_snapshot_id, m_compliance_hooks.rules_digest)) {
    return;  // no rules, or this version was checked against these rules already
  }
  const std::optional<DeviceRecord> device = m_compliance->device(device_id);
  if (!device) {
    return;
  }
  const std::vector<ComplianceCheck> checks = m_compliance_hooks.evaluate(*device, config);
  m_compliance->insert(*recorded.current_snapshot_id, m_compliance_hooks.rules_digest, checks, now);
  m_compliance->refresh_latest(device_id);
  recorded.compliance = compliance_summary(checks);
}

void SnapshotStore::insert_outbox(const OutboxRow& row, std::int64_t now) {
  if (row.kind == "device_fields" && row.device_id) {
    m_sql.execute_queued(k_supersede_fields_sql, detail::SqlParams().add(*row.device_id).add(row.channel));
  }
  detail::insert_outbox_row(m_sql, row, now);
}

// The device's state before this attempt (none on its first), and its name.
std::optional<DeviceState> SnapshotStore::state_before(std::int64_t device_id, std::string& device_name) {
  const std::unique_ptr<detail::SqlRows> row = m_sql.query(k_select_state_sql, detail::SqlParams().add(device_id));
  if (!row->next()) {
    return std::nullopt;
  }
  device_name = row->text(0);
  if (row->integer(9) == 0) {
    return std::nullopt;
  }
  DeviceState before;
  before.status = outcome_kind_from_string(row->text(1)).value_or(OutcomeKind::protocol);
  before.message = row->text(2);
  before.config_sha256 = row->text(3);
  before.failing_since = row->optional_integer(4);
  before.last_success_at = row->optional_integer(5);
  before.last_change_at = row->optional_integer(6);
  before.notified = row->text(7);
  before.notified_at = row->optional_integer(8);
  before.compliance = row->text(10);
  before.drift = row->text(11);
  return before;
}

detail::AttemptEvent SnapshotStore::update_state(std::int64_t run_id, const AttemptRecord& attempt,
                                                 const RecordedAttempt& recorded, std::int64_t now) {
  StateChange change;
  change.device_id = attempt.device_id;
  change.run_id = run_id;
  change.at = now;
  change.shown = attempt.shown;
  change.before = state_before(attempt.device_id, change.device_name);
  const bool compliance_on = m_compliance_hooks.evaluate || m_compliance_hooks.paused;
  change.after = detail::next_state(change.before, attempt, recorded, now, compliance_on);
  DeviceState& after = change.after;
  change.config_changed = recorded.changed;
  change.lines_added = recorded.lines_added;
  change.lines_removed = recorded.lines_removed;
  change.diff_excerpt = recorded.diff_excerpt;

  if (m_hooks.on_device) {
    DeviceNotification notification = m_hooks.on_device(change);
    for (const auto& row : notification.rows) {
      insert_outbox(row, now);
    }
    if (notification.notified) {
      after.notified = std::move(*notification.notified);
      after.notified_at = now;
    }
  }

  m_sql.execute_queued(k_upsert_state_sql, detail::SqlParams()
                                               .add(change.device_id)
                                               .add(to_string(after.status))
                                               .add(after.message)
                                               .add(after.config_sha256)
                                               .add(after.failing_since)
                                               .add(after.last_success_at)
                                               .add(after.last_change_at)
                                               .add(after.notified)
                                               .add(after.notified_at)
                                               .add(now)
                                               .add(after.compliance));
  return detail::attempt_event(change);
}

std::int64_t SnapshotStore::retire_missing(std::int64_t run_id) {
  try {
    ensure_transaction();
    const std::int64_t retired = m_sql.execute(k_retire_missing_sql, detail::SqlParams().add(run_id).add(unix_now()));
    m_sql.execute(k_add_retired_sql, detail::SqlParams().add(run_id).add(retired));
    return retired;
  } catch (const std::exception& e) {
    fail("retiring devices NetBox no longer lists", e);
  }
}

RunSummary SnapshotStore::finish_run(std::int64_t run_id, bool inventory_complete, std::string_view note) {
  try {
    ensure_transaction();
    const std::int64_t finished = m_sql.execute(k_finish_run_sql, detail::SqlParams()
                                                                      .add(run_id)
                                                                      .add(unix_now())
                                                                      .add(std::int64_t{inventory_complete ? 1 : 0})
                                                                      .add(note)
                                                                      .add(outcome_counts_json(run_id)));
    if (finished != 1) {
      throw std::invalid_argument("no run " + std::to_string(run_id) + " to finish");
    }
    RunSummary summary = run_summary(run_id);
    if (!report_zone_cycle(run_id)) {
      report_run(run_id, summary, false);
    }
    commit();
    return summary;
  } catch (const std::exception& e) {
    fail("finishing run " + std::to_string(run_id), e);
  }
}

bool SnapshotStore::report_zone_cycle(std::int64_t run_id) {
  std::string zone, collector;
  std::int64_t cycle = 0;
  {
    const std::unique_ptr<detail::SqlRows> row = m_sql.query(k_run_zone_sql, detail::SqlParams().add(run_id));
    if (!row->next()) {
      return false;  // not a collector's run
    }
    zone = row->text(0);
    cycle = row->integer(1);
    collector = row->text(2);
  }
  const auto zone_cycle = detail::SqlParams().add(zone).add(cycle);
  if (m_sql.execute(k_close_zone_cycle_sql, detail::SqlParams().add(zone).add(cycle).add(unix_now()).add(collector)) !=
      1) {
    return true;  // claims are left (another collector closes it), or it is closed
  }
  if (m_hooks.on_run) {
    RunDigest digest = detail::read_zone_cycle_digest(m_sql, zone, cycle);
    {
      const std::unique_ptr<detail::SqlRows> totals = m_sql.query(k_zone_cycle_totals_sql, zone_cycle);
      totals->next();
      digest.collectors = totals->integer(0);
      digest.totals.attempts = totals->integer(1);
      digest.totals.changed = totals->integer(2);
      digest.totals.retired = totals->integer(3);
    }
    const std::unique_ptr<detail::SqlRows> outcomes = m_sql.query(k_zone_cycle_outcomes_sql, zone_cycle);
    while (outcomes->next()) {
      if (const auto outcome = outcome_kind_from_string(outcomes->text(0))) {
        digest.totals.by_outcome[*outcome] = outcomes->integer(1);
      }
    }
    const std::int64_t now = unix_now();
    for (const auto& row : m_hooks.on_run(digest)) {
      insert_outbox(row, now);
    }
  }
  return true;
}

std::string SnapshotStore::outcome_counts_json(std::int64_t run_id) {
  nlohmann::json counts = nlohmann::json::object();  // its keys are kept in order
  const std::unique_ptr<detail::SqlRows> outcomes = m_sql.query(k_run_outcomes_sql, detail::SqlParams().add(run_id));
  while (outcomes->next()) {
    counts[outcomes->text(0)] = outcomes->integer(1);
  }
  return counts.dump();
}

RunSummary SnapshotStore::run_summary(std::int64_t run_id) {
  RunSummary summary;
  summary.run_id = run_id;
  {
    const std::unique_ptr<detail::SqlRows> totals = m_sql.query(k_run_totals_sql, detail::SqlParams().add(run_id));
    if (totals->next()) {
      summary.attempts = totals->integer(0);
      summary.changed = totals->integer(1);
      summary.retired = totals->integer(2);
    }
  }
  const std::unique_ptr<detail::SqlRows> outcomes = m_sql.query(k_run_outcomes_sql, detail::SqlParams().add(run_id));
  while (outcomes->next()) {
    if (const auto outcome = outcome_kind_from_string(outcomes->text(0))) {
      summary.by_outcome[*outcome] = outcomes->integer(1);
    }
  }
  return summary;
}

std::optional<SnapshotInfo> SnapshotStore::latest_snapshot(std::int64_t device_id) {
  const std::unique_ptr<detail::SqlRows> row = m_sql.query(k_latest_snapshot_sql, detail::SqlParams().add(device_id));
  if (!row->next()) {
    return std::nullopt;
  }
  SnapshotInfo info;
  info.id = row->integer(0);
  info.device_id = row->integer(1);
  info.run_id = row->integer(2);
  info.taken_at = row->integer(3);
  info.sha256 = row->text(4);
  info.size = row->integer(5);
  info.line_count = row->integer(6);
  info.lines_added = row->integer(7);
  info.lines_removed = row->integer(8);
  info.mask_key = row->text(9);
  info.rekeyed = row->integer(10) != 0;
  return info;
}

std::string SnapshotStore::config_by_hash(const std::string& sha256) {
  return detail::read_config_blob(m_sql, sha256);
}

std::optional<std::string> SnapshotStore::latest_config(std::int64_t device_id) {
  try {
    const std::optional<SnapshotInfo> latest = latest_snapshot(device_id);
    if (!latest) {
      return std::nullopt;
    }
    return config_by_hash(latest->sha256);
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_sql, "reading the latest config of device " + std::to_string(device_id), e);
  }
}

}  // namespace nbsync::storage
