#pragma once
// Storage tests that run on both backends: a TEST_P in a suite derived from BackendTest
// (whose SetUp opens database(), fresh and migrated),
// instantiated with NBSYNC_ON_BOTH_BACKENDS(Suite), runs once on an SQLite file and once on
// a fresh database of a PostgreSQL server this test process starts (tests/support/
// postgres_server.hpp); without PostgreSQL installed the second run is skipped, saying why.
#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "storage/database.hpp"
#include "storage/detail/sql_connection.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::storage::test_support {

enum class Backend { sqlite, postgresql };

// "sqlite" or "postgresql": the suffix of each test's name, and how ctest lists the parameter.
inline void PrintTo(Backend backend, std::ostream* out) {
  *out << (backend == Backend::sqlite ? "sqlite" : "postgresql");
}
inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return ::testing::PrintToString(info.param);
}

class BackendTest : public ::testing::TestWithParam<Backend> {
protected:
  void SetUp() override {
    if (GetParam() == Backend::postgresql) {
      std::string why;
      m_server = test::shared_postgres(why);
      if (m_server == nullptr) {
        GTEST_SKIP() << why;
      }
      m_uri = m_server->create_database();
    }
    m_database = open_database();
  }

  bool on_postgres() const { return GetParam() == Backend::postgresql; }

  // A connection to this test's database, migrated (a new one each call: a second call is
  // what another process or collector would see).
  std::unique_ptr<Database> open_database() const {
    if (on_postgres()) {
      return std::make_unique<Database>(PostgresLocation{m_uri, {}});
    }
    return std::make_unique<Database>(m_dir / "nbsync.db");
  }

  const std::string& postgres_uri() const { return m_uri; }
  Database& database() { return *m_database; }
  detail::SqlConnection& sql() { return m_database->connection(); }

  test::TempDir m_dir;
  test::PostgresServer* m_server = nullptr;
  std::string m_uri;
  std::unique_ptr<Database> m_database;  // opened by SetUp
};

}  // namespace nbsync::storage::test_support

#define NBSYNC_ON_BOTH_BACKENDS(suite)                                                              \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                                         \
                           ::testing::Values(::nbsync::storage::test_support::Backend::sqlite,      \
                                             ::nbsync::storage::test_support::Backend::postgresql), \
                           ::nbsync::storage::test_support::backend_name)
