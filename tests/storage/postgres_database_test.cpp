// What only PostgreSQL has: a URI, a password kept out of it, a server that can be down or
// go away under a running nbsync.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/database.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/device_lookup.hpp"
#include "tests/support/postgres_server.hpp"

#include <memory>
#include <optional>

namespace nbsync::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(PostgresDatabase, TellsAUriFromAFile) {
  EXPECT_TRUE(is_postgres_uri("postgresql://nbsync@db.example.com/nbsync?sslmode=verify-full"));
  EXPECT_TRUE(is_postgres_uri("postgres://nbsync@db/nbsync"));
  EXPECT_FALSE(is_postgres_uri("/var/lib/nbsync/nbsync.db"));
  EXPECT_FALSE(is_postgres_uri("postgresql.db"));
}

TEST(PostgresDatabase, RefusesAPasswordInTheUriWithoutRepeatingIt) {
  for (const char* uri : {"postgresql://nbsync:hunter2secret@127.0.0.1/nbsync",
                          "postgresql://nbsync@127.0.0.1/nbsync?password=hunter2secret"}) {
    try {
      Database db(PostgresLocation{uri, {}});
      FAIL() << "expected DatabaseError";
    } catch (const DatabaseError& e) {
      EXPECT_THAT(std::string(e.what()), HasSubstr("carries a password"));
      EXPECT_THAT(std::string(e.what()), HasSubstr("credential"));
      EXPECT_THAT(std::string(e.what()), Not(HasSubstr("hunter2secret")));
    }
  }
}

TEST(PostgresDatabase, AServerThatIsNotThereIsOneClearError) {
  // Port 1 on loopback: nothing listens there.
  const std::string uri = "postgresql://nbsync@127.0.0.1:1/nbsync?connect_timeout=2";
  try {
    Database db(PostgresLocation{uri, Secret("not-shown-anywhere", "test")});
    FAIL() << "expected DatabaseError";
  } catch (const DatabaseError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(uri));
    EXPECT_THAT(std::string(e.what()), HasSubstr("cannot connect"));
    EXPECT_THAT(std::string(e.what()), Not(HasSubstr("not-shown-anywhere")));
  }
}

// A server of the test's own, as the test stops and restarts it, and a database on it.
class PostgresRestartTest : public ::testing::Test {
protected:
  void SetUp() override {
    const std::optional<std::filesystem::path> bin_dir = test::PostgresServer::find_bin_dir();
    if (!bin_dir) {
      GTEST_SKIP() << test::postgres_missing_reason();
    }
    m_server = std::make_unique<test::PostgresServer>(*bin_dir);
    m_uri = m_server->create_database();
    m_database = std::make_unique<Database>(PostgresLocation{m_uri, {}});
  }
  std::unique_ptr<test::PostgresServer> m_server;
  std::string m_uri;
  std::unique_ptr<Database> m_database;
};

// The server stops under an open Database: the next use fails with one line saying so,
// and once the server is back the same Database works again with nothing lost.
TEST_F(PostgresRestartTest, RecoversWhenTheServerComesBack) {
  const std::string& uri = m_uri;
  Database& db = *m_database;
  db.connection().execute("INSERT INTO devices (id, name, first_seen, last_seen) VALUES (7, 'edge7', 0, 0)");

  m_server->stop();
  try {
    find_devices(db, "edge7");
    FAIL() << "expected DatabaseError";
  } catch (const DatabaseError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(uri));
    EXPECT_THAT(std::string(e.what()), HasSubstr("looking up device 'edge7' failed"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("check that the PostgreSQL server is running"));
  }

  m_server->start();
  const std::vector<DeviceMatch> found = find_devices(db, "edge7");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].id, 7);
}

// A transaction cut by the server going away is not finished on a new connection.
TEST_F(PostgresRestartTest, ATransactionCutByALostConnectionCommitsNothing) {
  detail::SqlConnection& sql = m_database->connection();
  sql.begin();
  sql.execute("INSERT INTO devices (id, name, first_seen, last_seen) VALUES (1, 'a', 0, 0)");
  m_server->stop();
  m_server->start();
  EXPECT_THROW(sql.execute("INSERT INTO devices (id, name, first_seen, last_seen) VALUES (2, 'b', 0, 0)"),
               detail::PostgresError);
  EXPECT_THROW(sql.commit(), detail::PostgresError);
  sql.rollback();
  EXPECT_EQ(detail::query_integer(sql, "SELECT count(*) FROM devices"), 0);
}

}  // namespace
}  // namespace nbsync::storage
