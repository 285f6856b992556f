// A cycle into PostgreSQL (issue 21): the real `nbsync run --once` against the real lab with
// storage.database = "postgresql://..." on a throwaway Debian PostgreSQL. Every reachable
// device is stored there, NetBox's custom fields and journal entries go out through the
// outbox on PostgreSQL, a second cycle stores only what changed, and the read commands see it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/cycle_fixture.hpp"
#include "tests/support/postgres_server.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;

class PostgresCycle : public CycleFixture {};

TEST_F(PostgresCycle, ACycleStoresIntoPostgresAndTellsNetbox) {
  std::string why;
  PostgresServer* server = shared_postgres(why);
  if (server == nullptr) {
    GTEST_SKIP() << why;
  }
  start_lab(12, 47);
  write_config();
  use_postgres(server->create_database());
  ASSERT_EQ(nbsync({"netbox-setup"}).exit_code, 0);

  const auto first = run_nbsync();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size()) << first.out;
  EXPECT_EQ(summary["changed"], reachable.size());
  EXPECT_EQ(summary["notify"]["waiting"], 0) << summary.dump();
  EXPECT_FALSE(std::filesystem::exists(dir / "nbsync.db")) << "nothing went to a file";
  const std::int64_t device = reachable.front();
  const auto shown = lab->get("/api/dcim/devices/" + std::to_string(device) + "/").body;
  EXPECT_EQ(shown["custom_fields"]["nbsync_backup_status"], "ok") << shown["custom_fields"].dump();

  ASSERT_EQ(lab->request({"POST",
                          "/lab/devices/" + std::to_string(device) + "/config",
                          {{"Content-Type", "application/json"}},
                          "{}"})
                .status,
            200);
  const auto second = run_nbsync();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(summary["changed"], 1) << second.out;
  const auto journal = lab->get("/api/extras/journal-entries/?assigned_object_type=dcim.device&assigned_object_id=" +
                                std::to_string(device))
                           .body;
  EXPECT_GE(journal["count"].get<int>(), 1) << "the change's journal entry went out through the outbox";

  const auto history = nbsync({"history", std::to_string(device), "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(json::parse(history.out)["versions"].size(), 2U) << history.out;
  const auto status = nbsync({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("postgresql://"));
}

}  // namespace
}  // namespace nbsync::test
