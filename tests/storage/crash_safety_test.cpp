// kill -9 at arbitrary moments while snapshots are being written: the database must open,
// pass its checks, and keep every row whose commit the writer had reported. On SQLite and
// on PostgreSQL (backend_fixture.hpp; there the killed writer is a client of the server).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>

#include "storage/detail/sql_connection.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace nbsync::storage {
namespace {

constexpr std::int64_t k_devices = 50;
constexpr std::size_t k_commit_every = 7;

// The child: writes changed configs forever, reporting on `report` how many attempts are
// committed after each commit. Never returns.
using Opener = std::function<std::unique_ptr<Database>()>;

[[noreturn]] void write_until_killed(const Opener& open, int generation, int report) {
  try {
    const std::unique_ptr<Database> db = open();
    SnapshotStore store(*db, 0);
    const std::int64_t run = store.begin_run();
    std::vector<DeviceRecord> devices;
    for (std::int64_t id = 1; id <= k_devices; ++id) {
      devices.push_back(test_support::device(id));
    }
    store.upsert_devices(run, devices);
    store.commit();
    std::int64_t committed = 0;
    for (int version = generation * 1000000;; ++version) {
      for (std::int64_t id = 1; id <= k_devices; ++id) {
        store.record_attempt(run, test_support::ok_attempt(id, test_support::config_text(id, version, 400)));
        if (store.uncommitted_attempts() >= k_commit_every) {
          store.commit();
          committed += static_cast<std::int64_t>(k_commit_every);
          if (write(report, &committed, sizeof committed) != static_cast<ssize_t>(sizeof committed)) {
            _exit(3);
          }
        }
      }
    }
  } catch (...) {
    _exit(2);
  }
}

// Rows that point at a missing parent (SQLite's foreign_key_check, PostgreSQL enforces it):
// snapshots without their blob or attempt, attempts without their snapshot.
constexpr const char* k_dangling_sql = R"sql(
  SELECT (SELECT count(*) FROM snapshots s WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = s.sha256))
       + (SELECT count(*) FROM attempts a
           WHERE a.snapshot_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.id = a.snapshot_id))
       + (SELECT count(*) FROM snapshots s WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = s.run_id))
)sql";

void kill_after_commits(const Opener& open, int generation, std::int64_t commits_before_kill) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    write_until_killed(open, generation, pipe_fds[1]);
  }
  close(pipe_fds[1]);
  std::int64_t reported = 0;
  for (std::int64_t seen = 0; seen < commits_before_kill; ++seen) {
    ASSERT_EQ(read(pipe_fds[0], &reported, sizeof reported), static_cast<ssize_t>(sizeof reported))
        << "the writing child stopped early";
  }
  ASSERT_EQ(kill(child, SIGKILL), 0);  // mid-batch: the child writes on between reports
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  close(pipe_fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child ended otherwise, status " << status;

  const std::unique_ptr<Database> reopened = open();  // SQLite: opens and recovers from the WAL
  Database& db = *reopened;
  detail::SqlConnection& sql = db.connection();
  if (sql.backend() == detail::SqlBackend::sqlite) {
    EXPECT_EQ(db.sqlite().execAndGet("PRAGMA integrity_check").getString(), "ok");
    SQLite::Statement dangling(db.sqlite(), "PRAGMA foreign_key_check");
    EXPECT_FALSE(dangling.executeStep()) << "no row points at a missing parent";
  }
  EXPECT_EQ(detail::query_integer(sql, k_dangling_sql), 0) << "no row points at a missing parent";
  const std::string child_run = "(SELECT max(id) FROM runs)";
  const std::int64_t attempts = detail::query_integer(sql, "SELECT count(*) FROM attempts WHERE run_id = " + child_run);
  EXPECT_GE(attempts, reported) << "a commit the writer had reported was lost";
  EXPECT_EQ(attempts % static_cast<std::int64_t>(k_commit_every), 0) << "a batch was half stored";
  EXPECT_EQ(detail::query_integer(sql, "SELECT count(*) FROM snapshots WHERE run_id = " + child_run), attempts);

  // Every committed config reads back whole, and a new run completes on the same file.
  SnapshotStore store(db);
  for (std::int64_t id = 1; id <= k_devices; ++id) {
    const auto config = store.latest_config(id);
    ASSERT_TRUE(config.has_value()) << "device " << id;
    EXPECT_EQ(config->rfind("hostname dev" + std::to_string(id) + "\n", 0), 0U);
  }
  const std::int64_t run = store.begin_run();
  store.upsert_devices(run, std::vector<DeviceRecord>{test_support::device(1)});
  EXPECT_TRUE(store.record_attempt(run, test_support::ok_attempt(1, "after the crash\n")).changed);
  const RunSummary summary = store.finish_run(run, false);
  EXPECT_EQ(summary.changed, 1);
}

class CrashSafetyTest : public test_support::BackendTest {};

TEST_P(CrashSafetyTest, KillNineWhileWritingSnapshotsLosesNothingCommitted) {
  const Opener open = [this] { return open_database(); };
  // Several kills into the same database at different points: each recovery is tested on
  // what the previous crashes left.
  int generation = 0;
  for (const std::int64_t commits : {10, 31, 77}) {
    SCOPED_TRACE("killed after " + std::to_string(commits) + " reported commits");
    kill_after_commits(open, ++generation, commits);
    if (::testing::Test::HasFatalFailure()) {
      return;
    }
  }
}

NBSYNC_ON_BOTH_BACKENDS(CrashSafetyTest);

}  // namespace
}  // namespace nbsync::storage
