#include "storage/database.hpp"

#include <SQLiteCpp/Transaction.h>
#include <libpq-fe.h>

#include "storage/detail/postgres_connection.hpp"
#include "storage/detail/postgres_schema.hpp"
#include "storage/detail/sql_failure.hpp"
#include "storage/detail/sqlite_connection.hpp"
#include "storage/detail/trigram_tokenizer.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace nbsync::storage {
namespace {

// Migration N takes the schema from version N-1 to N. Append only; never edit a step
// that has shipped.
// Timestamps from migration 2 on are INTEGER unix seconds (UTC), columns named *_at/*_seen.
constexpr std::array<std::string_view, 15> k_migrations = {
    // 1: bookkeeping about the database itself.
    R"sql(
      CREATE TABLE nbsync_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      INSERT INTO nbsync_meta (key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
    )sql",
    // 2: the backup cycle: inventory mirror, runs, per-device attempts, deduplicated config
    // blobs, snapshots (one per change), SSH host keys (trust on first use).
    R"sql(
      CREATE TABLE devices (
        id            INTEGER PRIMARY KEY,            -- the NetBox device id
        name          TEXT    NOT NULL,
        site          TEXT    NOT NULL DEFAULT '',
        role          TEXT    NOT NULL DEFAULT '',
        platform      TEXT    NOT NULL DEFAULT '',
        tenant        TEXT    NOT NULL DEFAULT '',
        status        TEXT    NOT NULL DEFAULT '',
        address       TEXT    NOT NULL DEFAULT '',
        first_seen    INTEGER NOT NULL,
        last_seen     INTEGER NOT NULL,
        last_seen_run INTEGER REFERENCES runs (id),
        retired_at    INTEGER                         -- NULL while NetBox lists the device
      ) STRICT;
      CREATE INDEX devices_by_name ON devices (name);

      CREATE TABLE runs (
        id                 INTEGER PRIMARY KEY,
        started_at         INTEGER NOT NULL,
        finished_at        INTEGER,                   -- NULL: running, or the process died
        inventory_complete INTEGER CHECK (inventory_complete IN (0, 1)),
        attempts           INTEGER NOT NULL DEFAULT 0,
        changed            INTEGER NOT NULL DEFAULT 0,
        retired            INTEGER NOT NULL DEFAULT 0,
        summary            TEXT    NOT NULL DEFAULT '{}', -- JSON object: outcome -> count
        note               TEXT    NOT NULL DEFAULT ''
      ) STRICT;

      CREATE TABLE blobs (
        sha256      TEXT    PRIMARY KEY,              -- of the normalized text, lowercase hex
        size        INTEGER NOT NULL,                 -- raw bytes
        codec       TEXT    NOT NULL DEFAULT 'zstd',  -- how `content` is encoded
        base_sha256 TEXT    REFERENCES blobs (sha256),-- for delta codecs; NULL for full copies
        content     BLOB    NOT NULL
      ) STRICT;

      CREATE TABLE snapshots (
        id            INTEGER PRIMARY KEY,
        device_id     INTEGER NOT NULL REFERENCES devices (id),
        run_id        INTEGER NOT NULL REFERENCES runs (id),
        taken_at      INTEGER NOT NULL,
        sha256        TEXT    NOT NULL REFERENCES blobs (sha256),
        size          INTEGER NOT NULL,
        line_count    INTEGER NOT NULL,
        lines_added   INTEGER NOT NULL,               -- versus the device's previous snapshot
        lines_removed INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX snapshots_latest_by_device ON snapshots (device_id, id DESC);
      CREATE INDEX snapshots_by_time ON snapshots (taken_at);
      CREATE INDEX snapshots_by_blob ON snapshots (sha256);

      CREATE TABLE attempts (
        id          INTEGER PRIMARY KEY,
        run_id      INTEGER NOT NULL REFERENCES runs (id),
        device_id   INTEGER NOT NULL REFERENCES devices (id),
        outcome     TEXT    NOT NULL CHECK (outcome IN ('ok', 'connect', 'auth', 'timeout', 'host_key_mismatch',
                                                        'too_large', 'incomplete', 'protocol', 'skipped')),
        message     TEXT    NOT NULL DEFAULT '',
        tries       INTEGER NOT NULL DEFAULT 1,
        duration_ms INTEGER NOT NULL DEFAULT 0,
        bytes       INTEGER NOT NULL DEFAULT 0,
        changed     INTEGER NOT NULL DEFAULT 0 CHECK (changed IN (0, 1)),
        snapshot_id INTEGER REFERENCES snapshots (id),
        recorded_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX attempts_by_run ON attempts (run_id, outcome);
      CREATE INDEX attempts_by_device ON attempts (device_id, id DESC);
      CREATE INDEX attempts_by_snapshot ON attempts (snapshot_id) WHERE snapshot_id IS NOT NULL;

      -- No foreign key to devices: workers record keys on their own connection, possibly
      -- before the writer has committed the device row.
      CREATE TABLE host_keys (
        id          INTEGER PRIMARY KEY,
        device_id   INTEGER NOT NULL,
        key_type    TEXT    NOT NULL,                 -- ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa...
        fingerprint TEXT    NOT NULL,                 -- SHA256:<base64>, as ssh-keygen -l prints it
        public_key  TEXT    NOT NULL,                 -- base64 of the key blob
        first_seen  INTEGER NOT NULL,
        last_seen   INTEGER NOT NULL,
        state       TEXT    NOT NULL CHECK (state IN ('trusted', 'pending_change', 'replaced')),
        replaced_at INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX host_keys_one_trusted ON host_keys (device_id) WHERE state = 'trusted';
      CREATE UNIQUE INDEX host_keys_one_pending ON host_keys (device_id) WHERE state = 'pending_change';
    )sql",
    // 3: notifications: each device's latest state (what NetBox should show), and the
    // outbox: every NetBox write and Slack message, stored with the change it describes
    // and deleted once delivered.
    R"sql(
      CREATE TABLE device_states (
        device_id       INTEGER PRIMARY KEY REFERENCES devices (id),
        status          TEXT    NOT NULL,
        message         TEXT    NOT NULL DEFAULT '',
        config_sha256   TEXT    NOT NULL DEFAULT '',
        failing_since   INTEGER,
        last_success_at INTEGER,
        last_change_at  INTEGER,
        notified        TEXT    NOT NULL DEFAULT '',
        notified_at     INTEGER,
        updated_at      INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        created_at      INTEGER NOT NULL,
        channel         TEXT    NOT NULL,
        kind            TEXT    NOT NULL,
        device_id       INTEGER,
        payload         TEXT    NOT NULL,
        dedupe_key      TEXT    NOT NULL DEFAULT '',
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,   -- our backoff
        not_before      INTEGER NOT NULL DEFAULT 0,   -- the peer's Retry-After
        ambiguous       INTEGER NOT NULL DEFAULT 0,   -- a send may have arrived: check before resending
        last_error      TEXT    NOT NULL DEFAULT ''
      ) STRICT;
      CREATE INDEX outbox_by_channel ON outbox (channel, id);
    )sql",
    // 4: search, compliance and compact history: device tags (compliance scopes), delta
    // blobs (depth = deltas since the last full copy), a trigram index of each device's
    // latest config (contentless: it stores no text; its tokenizer, detail/trigram_tokenizer,
    // is nbsync's own, so the sqlite3 shell cannot query this one table), and compliance
    // results per snapshot.
    R"sql(
      ALTER TABLE devices ADD COLUMN tags TEXT NOT NULL DEFAULT '';   -- tag slugs, comma-separated
      ALTER TABLE blobs ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX blobs_by_base ON blobs (base_sha256) WHERE base_sha256 IS NOT NULL;

      CREATE VIRTUAL TABLE config_search USING fts5 (body, content = '', detail = none, tokenize = 'nbsync_trigram');
      -- Which version of each device config_search holds (its blob is kept while named here).
      CREATE TABLE search_index_state (
        device_id INTEGER PRIMARY KEY,
        sha256    TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX search_index_state_by_blob ON search_index_state (sha256);

      CREATE TABLE compliance_results (
        snapshot_id  INTEGER NOT NULL REFERENCES snapshots (id),
        rules_digest TEXT    NOT NULL,                -- which rule set produced it
        rule         TEXT    NOT NULL,
        severity     TEXT    NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
        passed       INTEGER NOT NULL CHECK (passed IN (0, 1)),
        problems     TEXT    NOT NULL DEFAULT '[]',   -- JSON array of short lines
        checked_at   INTEGER NOT NULL,
        PRIMARY KEY (snapshot_id, rules_digest, rule)
      ) STRICT, WITHOUT ROWID;
      ALTER TABLE device_states ADD COLUMN compliance TEXT NOT NULL DEFAULT '';
    )sql",
    // 5: the trigrams config_search leaves out because most configs hold them
    // (detail/trigrams.hpp), chosen once from a sample of the configs. No row yet: the
    // index holds every trigram (a fleet too small to choose from).
    R"sql(
      CREATE TABLE search_index_plan (
        id              INTEGER PRIMARY KEY CHECK (id = 1),
        common_trigrams BLOB    NOT NULL,   -- 3 bytes per trigram, in order
        sample_configs  INTEGER NOT NULL,   -- how many configs they were counted in
        chosen_at       INTEGER NOT NULL    -- unix seconds
      ) STRICT;
    )sql",
    // 6: delivery that survives faults. Each attempt says what it meant for notifications
    // (config_change: a new version of a config stored before, not a first backup; event:
    // '' | 'failing' | 'recovered', with a short detail), so a run's Slack message is
    // composed from what was committed, also for a run that died (runs.reported: 0 until
    // its message is in the outbox; runs before this migration count as reported). A
    // message a peer refused for good stays in the outbox with refused_at set: never sent
    // again on its own, shown by `nbsync status` and /metrics.
    R"sql(
      ALTER TABLE attempts ADD COLUMN config_change INTEGER NOT NULL DEFAULT 0 CHECK (config_change IN (0, 1));
      ALTER TABLE attempts ADD COLUMN event TEXT NOT NULL DEFAULT '' CHECK (event IN ('', 'failing', 'recovered'));
      ALTER TABLE attempts ADD COLUMN event_detail TEXT NOT NULL DEFAULT '';
      CREATE INDEX attempts_events_by_run ON attempts (run_id, id) WHERE event <> '' OR config_change = 1;
      ALTER TABLE runs ADD COLUMN reported INTEGER NOT NULL DEFAULT 1 CHECK (reported IN (0, 1));
      ALTER TABLE outbox ADD COLUMN refused_at INTEGER;
      -- Set just before a send and cleared by its answer: set on a row read back means the
      -- process died with the send in flight, so it may have arrived (check before resending).
      ALTER TABLE outbox ADD COLUMN sending_since INTEGER;
      CREATE INDEX outbox_fields_by_device ON outbox (device_id) WHERE kind = 'device_fields';
    )sql",
    // 7: jump hosts. An attempt that failed because the bastion in front of the device
    // failed names it ('' when the outcome is the device's own), so a run's Slack message
    // says so once per bastion, not once per device behind it. A bastion's host keys live
    // in host_keys under a negative device_id (types/host_key.hpp: jump_host_key_owner).
    R"sql(
      ALTER TABLE attempts ADD COLUMN jump_host TEXT NOT NULL DEFAULT '';
    )sql",
    // 8: keyed masking (issue 20). mask_key names the key a version's secrets were tagged
    // under ("<removed:5f2a9c>"; '' for "<removed>", as every version before this was).
    // rekeyed = 1: the version differs from the one before it only in that key, so it is
    // stored (later versions compare with it) but is not a config change.
    R"sql(
      ALTER TABLE snapshots ADD COLUMN mask_key TEXT NOT NULL DEFAULT '';
      ALTER TABLE snapshots ADD COLUMN rekeyed INTEGER NOT NULL DEFAULT 0 CHECK (rekeyed IN (0, 1));
    )sql",
    // 9: drift from the intended config (NetBox's render-config): one row per version
    // checked, replaced when the same version is checked again; each device's latest
    // verdict in device_states.drift (what the nbsync_drift field shows).
    R"sql(
      CREATE TABLE drift_results (
        snapshot_id     INTEGER PRIMARY KEY REFERENCES snapshots (id),
        device_id       INTEGER NOT NULL REFERENCES devices (id),
        checked_at      INTEGER NOT NULL,
        status          TEXT    NOT NULL CHECK (status IN ('in_sync', 'differs', 'no_template')),
        missing         INTEGER NOT NULL DEFAULT 0,
        extra           INTEGER NOT NULL DEFAULT 0,
        lines           TEXT    NOT NULL DEFAULT '[]'  -- JSON: [{"kind","section","line"}], masked like the config
      ) STRICT;
      CREATE INDEX drift_results_by_device ON drift_results (device_id, snapshot_id DESC);
      ALTER TABLE device_states ADD COLUMN drift TEXT NOT NULL DEFAULT '';
    )sql",
    // 10: nothing on SQLite. PostgreSQL's step 10 created its first search index (pg_trgm),
    // which SQLite has had since step 4 (FTS5); step 15 replaced it.
    R"sql(
      SELECT 1;
    )sql",
    // 11: each device's compliance on its newest version, kept by the writer as it stores
    // results, so that the compliance report reads one small row per device (and counts
    // its totals with one GROUP BY over devices with the same verdicts) instead of every
    // device's results. Filled here from the results stored so far.
    R"sql(
      CREATE TABLE compliance_latest (
        device_id   INTEGER PRIMARY KEY REFERENCES devices (id),
        snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),
        checked_at  INTEGER NOT NULL,                 -- the newest of its results
        verdicts    TEXT    NOT NULL,                 -- JSON: [[rule, severity, passed]] by rule
        failed      INTEGER NOT NULL                  -- how many of them failed
      ) STRICT;
      CREATE INDEX compliance_latest_by_verdicts ON compliance_latest (verdicts);
      CREATE INDEX compliance_latest_failing ON compliance_latest (device_id) WHERE failed > 0;
      CREATE INDEX devices_retired ON devices (id) WHERE retired_at IS NOT NULL;
      WITH newest AS (SELECT device_id, max(id) AS snapshot_id FROM snapshots GROUP BY device_id),
      rule_sets AS (
        SELECT n.device_id, c.snapshot_id, c.rules_digest, max(c.checked_at) AS checked_at,
               row_number() OVER (PARTITION BY n.device_id
                                  ORDER BY max(c.checked_at) DESC, c.rules_digest DESC) AS newness
          FROM newest n JOIN compliance_results c ON c.snapshot_id = n.snapshot_id
         GROUP BY n.device_id, c.snapshot_id, c.rules_digest)
      INSERT INTO compliance_latest (device_id, snapshot_id, checked_at, verdicts, failed)
      SELECT r.device_id, r.snapshot_id, r.checked_at,
             (SELECT json_group_array(json_array(v.rule, v.severity, v.passed))
                FROM (SELECT rule, severity, passed FROM compliance_results
                       WHERE snapshot_id = r.snapshot_id AND rules_digest = r.rules_digest ORDER BY rule) v),
             (SELECT count(*) FROM compliance_results
               WHERE snapshot_id = r.snapshot_id AND rules_digest = r.rules_digest AND passed = 0)
        FROM rule_sets r WHERE r.newness = 1;
    )sql",
    // 12: the devices whose newest version the search index does not hold yet, so that a
    // search reads the index's candidates and these instead of checking every device. A
    // new version puts its device here (the trigger, whoever stores it); indexing it takes
    // it out; a rebuilt index (the plan chosen) puts every device back.
    R"sql(
      CREATE TABLE search_index_pending (
        device_id INTEGER PRIMARY KEY
      ) STRICT;
      CREATE TRIGGER snapshots_pending_search AFTER INSERT ON snapshots BEGIN
        INSERT INTO search_index_pending (device_id) VALUES (NEW.device_id) ON CONFLICT DO NOTHING;
      END;
      INSERT INTO search_index_pending (device_id)
      SELECT s.device_id FROM snapshots s
       WHERE s.id = (SELECT max(id) FROM snapshots WHERE device_id = s.device_id)
         AND NOT EXISTS (SELECT 1 FROM search_index_state i WHERE i.device_id = s.device_id AND i.sha256 = s.sha256);
    )sql",
    // 13: outbox rows are claimed by the sender that reads them (several collectors share
    // one PostgreSQL): claimed_by names it, lease_until is when the claim lapses if it dies.
    // Delivered rows go; deferred and refused ones are released. SQLite has one sender and
    // leaves them NULL.
    R"sql(
      ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
      ALTER TABLE outbox ADD COLUMN lease_until INTEGER;
    )sql",
    // 14: collectors sharing one database (storage/collector_store.hpp). Each collector has
    // a row it keeps alive; collectors of one zone share its numbered cycles; in a cycle
    // each device is claimed by one collector (NULL: released, anyone may take it) and is
    // done once its attempt is stored. A device remembers the zone that last listed it, a
    // run the collector, zone and zone cycle it belongs to ('' and NULL without collectors).
    R"sql(
      ALTER TABLE devices ADD COLUMN zone TEXT NOT NULL DEFAULT '';
      ALTER TABLE runs ADD COLUMN collector TEXT NOT NULL DEFAULT '';
      ALTER TABLE runs ADD COLUMN zone TEXT NOT NULL DEFAULT '';
      ALTER TABLE runs ADD COLUMN zone_cycle INTEGER;
      CREATE INDEX runs_by_zone_cycle ON runs (zone, zone_cycle) WHERE zone_cycle IS NOT NULL;
      CREATE INDEX runs_by_collector ON runs (collector, id);
      CREATE TABLE collectors (
        name          TEXT    PRIMARY KEY,
        zone          TEXT    NOT NULL,
        zone_filters  TEXT    NOT NULL DEFAULT '',
        host          TEXT    NOT NULL DEFAULT '',
        started_at    INTEGER NOT NULL,
        heartbeat_at  INTEGER NOT NULL,
        lease_seconds INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE zone_cycles (
        zone      TEXT    NOT NULL,
        cycle     INTEGER NOT NULL,
        opened_at INTEGER NOT NULL,
        opened_by TEXT    NOT NULL,
        closed_at INTEGER,
        closed_by TEXT,
        PRIMARY KEY (zone, cycle)
      ) STRICT;
      CREATE TABLE device_claims (
        zone       TEXT    NOT NULL,
        cycle      INTEGER NOT NULL,
        device_id  INTEGER NOT NULL,
        collector  TEXT,
        run_id     INTEGER,
        claimed_at INTEGER NOT NULL,
        done_at    INTEGER,
        PRIMARY KEY (zone, cycle, device_id)
      ) STRICT;
      CREATE INDEX device_claims_by_run ON device_claims (run_id, device_id);
      CREATE INDEX device_claims_open ON device_claims (zone, cycle) WHERE done_at IS NULL;
    )sql",
    // 15: nothing on SQLite. PostgreSQL's step 15 rebuilds its search index on SQLite's
    // trigrams (detail/trigram_array.hpp).
    R"sql(
      SELECT 1;
    )sql",
};

static_assert(k_migrations.size() == detail::k_postgres_migration_count,
              "every schema step has its PostgreSQL spelling (detail/postgres_schema.cpp)");

// Held while migrating, so collectors starting together migrate one after the other.
constexpr std::int64_t k_migration_lock = 0x6e6273796e63;  // "nbsync"

std::unique_ptr<SQLite::Database> open_sqlite(const std::filesystem::path& path) {
  try {
    return std::make_unique<SQLite::Database>(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  } catch (const SQLite::Exception& e) {
    throw DatabaseError(path.string() + ": cannot open the database: " + e.what() +
                        " (check that the directory exists and is writable by nbsync)");
  }
}

void refuse_newer(const std::filesystem::path& name, int current, int latest) {
  if (current > latest) {
    throw DatabaseError(name.string() + ": schema version " + std::to_string(current) +
                        " was written by a newer nbsync (this one knows up to " + std::to_string(latest) +
                        "); upgrade nbsync or use another database");
  }
}

// The URI as given, after checking it names no password (which belongs in a credential).
std::string checked_postgres_uri(const std::string& uri) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    std::string reason = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    // libpq's reason names the part it could not read, never the whole URI.
    throw DatabaseError("storage.database: not a PostgreSQL URI libpq can read: " +
                        reason.substr(0, reason.find('\n')) + " (expected postgresql://user@host/database?...)");
  }
  bool has_password = false;
  for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    has_password = has_password || (std::string_view(option->keyword) == "password" && option->val != nullptr);
  }
  PQconninfoFree(options);
  if (has_password) {
    throw DatabaseError(
        "storage.database: the PostgreSQL URI carries a password; remove it from the URI and "
        "put it in a credential file (storage.database_password = \"credential:NAME\")");
  }
  return uri;
}

}  // namespace

bool is_postgres_uri(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

Database::Database(const std::filesystem::path& path)
    : m_path(path), m_common_trigrams(std::make_unique<detail::CommonTrigrams>()), m_db(open_sqlite(path)) {
  try {
    // First: a connection opened while another writes (the viewer beside the daemon's
    // cycle) waits for its lock in the pragmas below too, instead of failing at once.
    m_db->setBusyTimeout(10000);
    m_db->exec("PRAGMA journal_mode = WAL");
    m_db->exec("PRAGMA synchronous = NORMAL");
    m_db->exec("PRAGMA foreign_keys = ON");
    if (detail::register_trigram_tokenizer(m_db->getHandle(), *m_common_trigrams) != SQLITE_OK) {
      throw DatabaseError(m_path.string() + ": this SQLite has no FTS5, which the search index needs");
    }
    m_connection = std::make_unique<detail::SqliteConnection>(*m_db, m_path.string());
    migrate_sqlite();
  } catch (const SQLite::Exception& e) {
    throw DatabaseError(m_path.string() + ": " + e.what(), e.getErrorCode());
  }
}

Database::Database(const PostgresLocation& location)
    : m_path(checked_postgres_uri(location.uri)), m_common_trigrams(std::make_unique<detail::CommonTrigrams>()) {
  try {
    m_connection = std::make_unique<detail::PostgresConnection>(location.uri, location.password.reveal());
  } catch (const detail::PostgresError& e) {
    throw DatabaseError(m_path.string() + ": " + e.what() +
                        " (check the URI, that the server is running and reachable, and the password's credential)");
  }
  migrate_postgres();
}

Database::~Database() = default;

SQLite::Database& Database::sqlite(std::string_view what) {
  if (!m_db) {
    throw DatabaseError(m_path.string() + ": " + std::string(what) +
                        " does not work with PostgreSQL yet; use an SQLite file for storage.database");
  }
  return *m_db;
}

int Database::schema_version() {
  if (m_db) {
    return m_db->execAndGet("PRAGMA user_version").getInt();
  }
  try {
    return static_cast<int>(detail::query_integer(*m_connection, "SELECT version FROM schema_version"));
  } catch (const std::exception& e) {
    throw detail::sql_failure(*m_connection, "reading the schema version", e);
  }
}

int Database::latest_schema_version() {
  return static_cast<int>(k_migrations.size());
}

void Database::migrate_sqlite() {
  const int current = schema_version();
  refuse_newer(m_path, current, latest_schema_version());
  for (int version = current + 1; version <= latest_schema_version(); ++version) {
    SQLite::Transaction transaction(*m_db);
    m_db->exec(std::string(k_migrations[static_cast<std::size_t>(version - 1)]));
    m_db->exec("PRAGMA user_version = " + std::to_string(version));
    transaction.commit();
  }
}

// One transaction (PostgreSQL's DDL is transactional): a failed step leaves the schema
// as it was. The advisory lock makes collectors that start together take turns.
void Database::migrate_postgres() {
  detail::SqlConnection& sql = *m_connection;
  try {
    sql.begin();
    sql.execute("SELECT pg_advisory_xact_lock(?1)", detail::SqlParams().add(k_migration_lock));
    sql.execute_script("CREATE TABLE IF NOT EXISTS schema_version (version bigint NOT NULL)");
    const std::int64_t rows = detail::query_integer(sql, "SELECT count(*) FROM schema_version");
    if (rows == 0) {
      sql.execute("INSERT INTO schema_version (version) VALUES (0)");
    }
    const int current = static_cast<int>(detail::query_integer(sql, "SELECT max(version) FROM schema_version"));
    refuse_newer(m_path, current, latest_schema_version());
    for (int version = current + 1; version <= latest_schema_version(); ++version) {
      sql.execute_script(detail::postgres_migration(version));
      sql.execute("UPDATE schema_version SET version = ?1", detail::SqlParams().add(std::int64_t{version}));
    }
    sql.commit();
  } catch (const std::exception& e) {
    sql.rollback();
    throw detail::sql_failure(sql, "migrating the schema", e);
  }
}

}  // namespace nbsync::storage
