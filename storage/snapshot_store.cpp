#include "storage/snapshot_store.hpp"

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/blob_writes.hpp"
#include "storage/detail/compliance_writes.hpp"
#include "storage/detail/device_columns.hpp"
#include "storage/detail/host_key_writes.hpp"
#include "storage/detail/outbox_insert.hpp"
#include "storage/detail/unified_diff.hpp"

#include <sqlite3.h>

#include <chrono>
#include <stdexcept>

#include "storage/detail/line_diff.hpp"
#include "storage/detail/run_digest.hpp"
#include "storage/detail/sha256.hpp"
#include "storage/detail/sqlite_failure.hpp"
#include "storage/detail/state_transition.hpp"
#include "storage/detail/statement_use.hpp"
#include "storage/detail/zstd_codec.hpp"
#include "types/mask_tag.hpp"

namespace nbsync::storage {
namespace {

constexpr const char* k_insert_run_sql = "INSERT INTO runs (started_at, reported) VALUES (?1, 0)";

constexpr const char* k_upsert_device_sql = R"sql(
  INSERT INTO devices (id, name, site, role, platform, tenant, status, address, tags,
                       first_seen, last_seen, last_seen_run, retired_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?11, ?9, ?9, ?10, NULL)
  ON CONFLICT (id) DO UPDATE SET
    name = excluded.name, site = excluded.site, role = excluded.role, platform = excluded.platform,
    tenant = excluded.tenant, status = excluded.status, address = excluded.address, tags = excluded.tags,
    last_seen = excluded.last_seen, last_seen_run = excluded.last_seen_run, retired_at = NULL
)sql";

constexpr const char* k_latest_snapshot_sql = R"sql(
  SELECT id, device_id, run_id, taken_at, sha256, size, line_count, lines_added, lines_removed, mask_key, rekeyed
  FROM snapshots WHERE device_id = ?1 ORDER BY id DESC LIMIT 1
)sql";

constexpr const char* k_insert_snapshot_sql = R"sql(
  INSERT INTO snapshots (device_id, run_id, taken_at, sha256, size, line_count, lines_added, lines_removed,
                         mask_key, rekeyed)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
)sql";

constexpr const char* k_insert_attempt_sql = R"sql(
  INSERT INTO attempts (run_id, device_id, outcome, message, tries, duration_ms, bytes, changed,
                        snapshot_id, recorded_at, config_change, event, event_detail, jump_host)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
)sql";

constexpr const char* k_retire_missing_sql = R"sql(
  UPDATE devices SET retired_at = ?2
  WHERE retired_at IS NULL AND last_seen_run IS NOT ?1
)sql";

constexpr const char* k_add_retired_sql = "UPDATE runs SET retired = retired + ?2 WHERE id = ?1";

constexpr const char* k_finish_run_sql = R"sql(
  UPDATE runs SET
    finished_at = ?2,
    inventory_complete = ?3,
    note = ?4,
    attempts = (SELECT count(*) FROM attempts WHERE run_id = ?1),
    changed = (SELECT count(*) FROM attempts WHERE run_id = ?1 AND changed = 1),
    summary = (SELECT coalesce(json_group_object(outcome, n), '{}')
               FROM (SELECT outcome, count(*) AS n FROM attempts WHERE run_id = ?1 GROUP BY outcome))
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

void bind_optional(SQLite::Statement& statement, int index, const std::optional<std::int64_t>& value) {
  if (value) {
    statement.bind(index, *value);
  } else {
    statement.bind(index);
  }
}

std::optional<std::int64_t> optional_column(const SQLite::Column& column) {
  if (column.isNull()) {
    return std::nullopt;
  }
  return column.getInt64();
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

SnapshotStore::SnapshotStore(Database& database, std::size_t commit_every, int full_copy_every)
    : m_database(database),
      m_commit_every(commit_every),
      m_insert_run(database.sqlite(), k_insert_run_sql),
      m_upsert_device(database.sqlite(), k_upsert_device_sql),
      m_latest_snapshot(database.sqlite(), k_latest_snapshot_sql),
      m_insert_snapshot(database.sqlite(), k_insert_snapshot_sql),
      m_insert_attempt(database.sqlite(), k_insert_attempt_sql),
      m_retire_missing(database.sqlite(), k_retire_missing_sql),
      m_add_retired(database.sqlite(), k_add_retired_sql),
      m_finish_run(database.sqlite(), k_finish_run_sql),
      m_run_totals(database.sqlite(), k_run_totals_sql),
      m_run_outcomes(database.sqlite(), k_run_outcomes_sql),
      m_select_state(database.sqlite(), k_select_state_sql),
      m_upsert_state(database.sqlite(), k_upsert_state_sql),
      m_insert_outbox(database.sqlite(), detail::k_insert_outbox_sql),
      m_supersede_fields(database.sqlite(), k_supersede_fields_sql),
      m_host_keys(std::make_unique<detail::HostKeyWrites>(database.sqlite())),
      m_blobs(std::make_unique<detail::BlobWrites>(database.connection(), full_copy_every)),
      m_compliance(std::make_unique<detail::ComplianceWrites>(database.sqlite())) {}

SnapshotStore::~SnapshotStore() {
  try {
    rollback();
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing more can be done in a destructor
  }
}

void SnapshotStore::ensure_transaction() {
  if (sqlite3_get_autocommit(m_database.sqlite().getHandle()) != 0) {
    // IMMEDIATE takes the write lock now, so reads in the batch never need an upgrade that
    // another connection (host keys) could make fail with SQLITE_BUSY_SNAPSHOT.
    m_database.sqlite().exec("BEGIN IMMEDIATE");
  }
}

void SnapshotStore::commit() {
  try {
    if (sqlite3_get_autocommit(m_database.sqlite().getHandle()) == 0) {
      m_database.sqlite().exec("COMMIT");
    }
    m_uncommitted_attempts = 0;
  } catch (const std::exception& e) {
    fail("committing " + std::to_string(m_uncommitted_attempts) + " attempts", e);
  }
}

void SnapshotStore::rollback() {
  m_uncommitted_attempts = 0;
  if (sqlite3_get_autocommit(m_database.sqlite().getHandle()) == 0) {
    m_database.sqlite().tryExec("ROLLBACK");
  }
}

void SnapshotStore::fail(std::string_view doing, const std::exception& error) {
  std::string what(doing);
  if (m_uncommitted_attempts > 0) {
    what.append(" (the ")
        .append(std::to_string(m_uncommitted_attempts))
        .append(" attempts not yet committed were rolled back)");
  }
  rollback();
  throw detail::sqlite_failure(m_database.path(), what, error);
}

std::int64_t SnapshotStore::begin_run() {
  commit();
  try {
    ensure_transaction();
    std::int64_t id = 0;
    {
      detail::StatementUse insert(m_insert_run);
      insert->bind(1, unix_now());
      insert->exec();
      id = m_database.sqlite().getLastInsertRowid();
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
    SQLite::Statement unreported(m_database.sqlite(), k_unreported_runs_sql);
    unreported.bind(1, current_run);
    while (unreported.executeStep()) {
      runs.push_back(unreported.getColumn(0).getInt64());
    }
  }
  for (const std::int64_t run : runs) {
    report_run(run, run_summary(run), true);
  }
}

void SnapshotStore::report_run(std::int64_t run_id, const RunSummary& totals, bool interrupted) {
  if (m_hooks.on_run) {
    RunDigest digest = detail::read_run_digest(m_database.sqlite(), run_id);
    digest.totals = totals;
    digest.interrupted = interrupted;
    const std::int64_t now = unix_now();
    for (const auto& row : m_hooks.on_run(digest)) {
      insert_outbox(row, now);
    }
  }
  SQLite::Statement mark(m_database.sqlite(), k_mark_reported_sql);
  mark.bind(1, run_id);
  mark.exec();
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
      detail::StatementUse upsert(m_upsert_device);
      upsert->bind(1, device.id);
      upsert->bind(2, device.name);
      upsert->bind(3, device.site);
      upsert->bind(4, device.role);
      upsert->bind(5, device.platform);
      upsert->bind(6, device.tenant);
      upsert->bind(7, device.status);
      upsert->bind(8, device.address);
      upsert->bind(9, now);
      upsert->bind(10, run_id);
      upsert->bind(11, detail::join_tags(device.tags));
      upsert->exec();
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
    detail::StatementUse insert(m_insert_attempt);
    insert->bind(1, run_id);
    insert->bind(2, attempt.device_id);
    insert->bind(3, std::string(to_string(attempt.outcome)));
    insert->bind(4, attempt.message);
    insert->bind(5, attempt.tries);
    insert->bind(6, static_cast<std::int64_t>(attempt.duration.count()));
    insert->bind(7, attempt.bytes);
    insert->bind(8, result.changed ? 1 : 0);
    if (result.snapshot_id) {
      insert->bind(9, *result.snapshot_id);
    } else {
      insert->bind(9);
    }
    insert->bind(10, now);
    insert->bind(11, event.config_change ? 1 : 0);
    insert->bind(12, event.transition);
    insert->bind(13, event.detail);
    insert->bind(14, attempt.jump_host);
    insert->exec();
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

  detail::StatementUse insert(m_insert_snapshot);
  insert->bind(1, device_id);
  insert->bind(2, run_id);
  insert->bind(3, now);
  insert->bind(4, hash);
  insert->bind(5, static_cast<std::int64_t>(config.size()));
  insert->bind(6, line_count);
  insert->bind(7, changes.added);
  insert->bind(8, changes.removed);
  insert->bind(9, attempt.mask_key);
  insert->bind(10, rekeyed ? 1 : 0);
  insert->exec();
  const std::int64_t snapshot_id = m_database.sqlite().getLastInsertRowid();
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
  recorded.compliance = compliance_summary(checks);
}

void SnapshotStore::insert_outbox(const OutboxRow& row, std::int64_t now) {
  if (row.kind == "device_fields" && row.device_id) {
    detail::StatementUse supersede(m_supersede_fields);
    supersede->bind(1, *row.device_id);
    supersede->bind(2, row.channel);
    supersede->exec();
  }
  detail::StatementUse insert(m_insert_outbox);
  detail::insert_outbox_row(*insert, row, now);
}

detail::AttemptEvent SnapshotStore::update_state(std::int64_t run_id, const AttemptRecord& attempt,
                                                 const RecordedAttempt& recorded, std::int64_t now) {
  StateChange change;
  change.device_id = attempt.device_id;
  change.run_id = run_id;
  change.at = now;
  change.shown = attempt.shown;
  {
    detail::StatementUse select(m_select_state);
    select->bind(1, attempt.device_id);
    if (select->executeStep()) {
      change.device_name = select->getColumn(0).getString();
      if (select->getColumn(9).getInt() != 0) {
        DeviceState before;
        before.status = outcome_kind_from_string(select->getColumn(1).getString()).value_or(OutcomeKind::protocol);
        before.message = select->getColumn(2).getString();
        before.config_sha256 = select->getColumn(3).getString();
        before.failing_since = optional_column(select->getColumn(4));
        before.last_success_at = optional_column(select->getColumn(5));
        before.last_change_at = optional_column(select->getColumn(6));
        before.notified = select->getColumn(7).getString();
        before.notified_at = optional_column(select->getColumn(8));
        before.compliance = select->getColumn(10).getString();
        before.drift = select->getColumn(11).getString();
        change.before = std::move(before);
      }
    }
  }
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

  detail::StatementUse upsert(m_upsert_state);
  upsert->bind(1, change.device_id);
  upsert->bind(2, std::string(to_string(after.status)));
  upsert->bind(3, after.message);
  upsert->bind(4, after.config_sha256);
  bind_optional(*upsert, 5, after.failing_since);
  bind_optional(*upsert, 6, after.last_success_at);
  bind_optional(*upsert, 7, after.last_change_at);
  upsert->bind(8, after.notified);
  bind_optional(*upsert, 9, after.notified_at);
  upsert->bind(10, now);
  upsert->bind(11, after.compliance);
  upsert->exec();
  return detail::attempt_event(change);
}

std::int64_t SnapshotStore::retire_missing(std::int64_t run_id) {
  try {
    ensure_transaction();
    std::int64_t retired = 0;
    {
      detail::StatementUse retire(m_retire_missing);
      retire->bind(1, run_id);
      retire->bind(2, unix_now());
      retired = retire->exec();
    }
    detail::StatementUse add(m_add_retired);
    add->bind(1, run_id);
    add->bind(2, retired);
    add->exec();
    return retired;
  } catch (const std::exception& e) {
    fail("retiring devices NetBox no longer lists", e);
  }
}

RunSummary SnapshotStore::finish_run(std::int64_t run_id, bool inventory_complete, std::string_view note) {
  try {
    ensure_transaction();
    {
      detail::StatementUse finish(m_finish_run);
      finish->bind(1, run_id);
      finish->bind(2, unix_now());
      finish->bind(3, inventory_complete ? 1 : 0);
      finish->bind(4, std::string(note));
      if (finish->exec() != 1) {
        throw std::invalid_argument("no run " + std::to_string(run_id) + " to finish");
      }
    }
    RunSummary summary = run_summary(run_id);
    report_run(run_id, summary, false);
    commit();
    return summary;
  } catch (const std::exception& e) {
    fail("finishing run " + std::to_string(run_id), e);
  }
}

RunSummary SnapshotStore::run_summary(std::int64_t run_id) {
  RunSummary summary;
  summary.run_id = run_id;
  {
    detail::StatementUse totals(m_run_totals);
    totals->bind(1, run_id);
    if (totals->executeStep()) {
      summary.attempts = totals->getColumn(0).getInt64();
      summary.changed = totals->getColumn(1).getInt64();
      summary.retired = totals->getColumn(2).getInt64();
    }
  }
  detail::StatementUse outcomes(m_run_outcomes);
  outcomes->bind(1, run_id);
  while (outcomes->executeStep()) {
    if (const auto outcome = outcome_kind_from_string(outcomes->getColumn(0).getString())) {
      summary.by_outcome[*outcome] = outcomes->getColumn(1).getInt64();
    }
  }
  return summary;
}

std::optional<SnapshotInfo> SnapshotStore::latest_snapshot(std::int64_t device_id) {
  detail::StatementUse select(m_latest_snapshot);
  select->bind(1, device_id);
  if (!select->executeStep()) {
    return std::nullopt;
  }
  SnapshotInfo info;
  info.id = select->getColumn(0).getInt64();
  info.device_id = select->getColumn(1).getInt64();
  info.run_id = select->getColumn(2).getInt64();
  info.taken_at = select->getColumn(3).getInt64();
  info.sha256 = select->getColumn(4).getString();
  info.size = select->getColumn(5).getInt64();
  info.line_count = select->getColumn(6).getInt64();
  info.lines_added = select->getColumn(7).getInt64();
  info.lines_removed = select->getColumn(8).getInt64();
  info.mask_key = select->getColumn(9).getString();
  info.rekeyed = select->getColumn(10).getInt() != 0;
  return info;
}

std::string SnapshotStore::config_by_hash(const std::string& sha256) {
  return detail::read_config_blob(m_database.connection(), sha256);
}

std::optional<std::string> SnapshotStore::latest_config(std::int64_t device_id) {
  try {
    const std::optional<SnapshotInfo> latest = latest_snapshot(device_id);
    if (!latest) {
      return std::nullopt;
    }
    return config_by_hash(latest->sha256);
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "reading the latest config of device " + std::to_string(device_id),
                                 e);
  }
}

}  // namespace nbsync::storage
