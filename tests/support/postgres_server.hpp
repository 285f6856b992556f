#pragma once
// A throwaway PostgreSQL server for tests: Debian's own binaries
// (/usr/lib/postgresql/*/bin), a data directory in a temporary directory, a unix socket
// there and 127.0.0.1 on a free port. Started on first use by a test of this process
// (shared_postgres()), stopped by PID (immediate shutdown) when the process ends or the
// server object goes, also after a failed test; it also dies with the test process.
// When we are root (CI), initdb and postgres run as the `postgres` user: they refuse root.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace nbsync::test {

// Who initdb and postgres run as (root: the postgres user).
struct ServerAccountIds {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

class PostgresServer {
public:
  // Where initdb, pg_ctl and postgres are, or nullopt when PostgreSQL is not installed.
  static std::optional<std::filesystem::path> find_bin_dir();

  // initdb (from a per-build template made once, see the .cpp) and start; waits until it
  // accepts connections. Throws std::runtime_error with the server's log when it cannot.
  explicit PostgresServer(const std::filesystem::path& bin_dir);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // A new, empty database; returns its URI (postgresql://nbsync@127.0.0.1:PORT/NAME, no
  // password: the test server trusts loopback).
  std::string create_database();
  // The same server's maintenance database, for what a test does beside nbsync.
  std::string admin_uri() const;
  int port() const { return m_port; }
  pid_t pid() const { return m_pid; }
  // Immediate shutdown (SIGQUIT to the postmaster), waiting for it to exit. Idempotent.
  void stop();
  // Starts the stopped server again, same data and port (a restart under a client).
  void start();

private:
  ServerAccountIds m_account;
  std::string uri(const std::string& database) const;
  std::string log_tail() const;
  std::filesystem::path m_bin_dir;
  std::filesystem::path m_dir;  // data/, the socket and server.log
  int m_port = 0;
  pid_t m_pid = -1;
  int m_databases = 0;
};

// What a PostgreSQL test says when it skips because PostgreSQL is not installed.
std::string postgres_missing_reason();

// The process's one server, started by the first caller; nullptr when PostgreSQL is not
// installed, with `why` saying so (a test then calls GTEST_SKIP() << why).
PostgresServer* shared_postgres(std::string& why);

}  // namespace nbsync::test
