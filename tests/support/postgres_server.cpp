#include "tests/support/postgres_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/process.hpp"

namespace nbsync::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* k_user = "nbsync";  // the cluster's superuser (initdb -U)

using ServerAccount = ServerAccountIds;

// `postgres` when we are root (initdb and postgres refuse root), else ourselves.

ServerAccount server_account() {
  ServerAccount account;
  if (geteuid() != 0) {
    return account;
  }
  const passwd* entry = getpwnam("postgres");
  if (entry == nullptr) {
    throw std::runtime_error(
        "running as root, but there is no `postgres` user to run the test server as "
        "(Debian's postgresql package creates it: scripts/deps)");
  }
  account.switch_user = true;
  account.uid = entry->pw_uid;
  account.gid = entry->pw_gid;
  return account;
}

// A directory the server account owns, mode 0700.
std::filesystem::path make_server_dir(const ServerAccount& account) {
  std::string pattern = (std::filesystem::temp_directory_path() / "nbsync-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + pattern + ": " + std::strerror(errno));
  }
  if (account.switch_user && chown(pattern.c_str(), account.uid, account.gid) != 0) {
    throw std::runtime_error("cannot chown " + pattern + " to postgres: " + std::strerror(errno));
  }
  return pattern;
}

// fork + exec `argv` as the server account with stdout and stderr to `log`. With
// `die_with_parent`, the child gets SIGQUIT (PostgreSQL's immediate shutdown) when this
// thread ends, so a test process that crashes leaves no server behind.
pid_t start_as(const ServerAccount& account, const std::vector<std::string>& argv, const std::filesystem::path& log,
               bool die_with_parent) {
  std::vector<char*> args;
  std::vector<std::string> copies = argv;
  for (auto& a : copies) {
    args.push_back(a.data());
  }
  args.push_back(nullptr);
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    throw std::runtime_error("cannot write " + log.string() + ": " + std::strerror(errno));
  }
  const pid_t pid = fork();
  if (pid == 0) {
    // Only async-signal-safe calls from here on.
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    const int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    if (account.switch_user && (setgroups(0, nullptr) != 0 || setgid(account.gid) != 0 || setuid(account.uid) != 0)) {
      _exit(126);
    }
    if (die_with_parent) {
      prctl(PR_SET_PDEATHSIG, SIGQUIT);  // after setuid, which clears it
    }
    execv(args[0], args.data());
    _exit(127);
  }
  close(log_fd);
  if (pid < 0) {
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return -1;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error(std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(errno));
  }
  close(fd);
  return ntohs(address.sin_port);
}

// Holds an exclusive flock on a file while in scope.
class FileLock {
public:
  explicit FileLock(const std::string& path) : m_fd(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (m_fd < 0 || flock(m_fd, LOCK_EX) != 0) {
      throw std::runtime_error("cannot lock " + path + ": " + std::strerror(errno));
    }
  }
  ~FileLock() { close(m_fd); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

private:
  int m_fd;
};

// initdb costs about 1.5 s; a copy of its result, 0.2 s. So initdb runs once per build
// directory (under a lock: ctest runs tests in parallel processes) into
// <build>/postgres-template-<version>/data, and every server starts from a copy.
std::filesystem::path template_data_dir(const std::filesystem::path& bin_dir, const ServerAccount& account) {
  const std::string version = bin_dir.parent_path().filename().string();
  const std::filesystem::path root = std::filesystem::path(NBSYNC_BINARY_DIR) / ("postgres-template-" + version);
  const std::filesystem::path data = root / "data";
  const std::string lock_path = root.string() + ".lock";
  const FileLock lock(lock_path);
  if (std::filesystem::exists(root / "complete")) {
    return data;
  }
  const std::filesystem::path staging = make_server_dir(account);
  const pid_t initdb = start_as(account,
                                {(bin_dir / "initdb").string(), "-D", (staging / "data").string(), "-U", k_user, "-A",
                                 "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"},
                                staging / "initdb.log", false);
  if (wait_exit(initdb) != 0) {
    throw std::runtime_error("initdb failed (log kept in " + staging.string() + "):\n" +
                             read_file(staging / "initdb.log"));
  }
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  const ProcessResult copy = run_process({"cp", "-a", (staging / "data").string(), data.string()});
  if (copy.exit_code != 0) {
    throw std::runtime_error("cannot copy the initdb result to " + data.string() + ": " + copy.err);
  }
  std::filesystem::remove_all(staging);
  std::ofstream(root / "complete") << "initdb of " << bin_dir.string() << "\n";
  return data;
}

std::string first_line(const char* message) {
  std::string text = message == nullptr ? "" : message;
  return text.substr(0, text.find('\n'));
}

}  // namespace

std::optional<std::filesystem::path> PostgresServer::find_bin_dir() {
  const std::filesystem::path root = "/usr/lib/postgresql";
  std::error_code error;
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::directory_iterator(root, error)) {
    const auto bin = entry.path() / "bin";
    if (std::filesystem::exists(bin / "initdb") && std::filesystem::exists(bin / "postgres")) {
      found.push_back(bin);
    }
  }
  if (found.empty()) {
    return std::nullopt;
  }
  // The newest major version: "15" > "13" (Debian's directories are plain numbers).
  return *std::max_element(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::stoi(a.parent_path().filename().string()) < std::stoi(b.parent_path().filename().string());
  });
}

PostgresServer::PostgresServer(const std::filesystem::path& bin_dir) : m_account(server_account()), m_bin_dir(bin_dir) {
  const std::filesystem::path data_template = template_data_dir(bin_dir, m_account);
  m_dir = make_server_dir(m_account);
  const ProcessResult copy = run_process({"cp", "-a", data_template.string(), (m_dir / "data").string()});
  if (copy.exit_code != 0) {
    throw std::runtime_error("cannot copy " + data_template.string() + " to " + m_dir.string() + ": " + copy.err);
  }
  m_port = free_port();
  start();
}

void PostgresServer::start() {
  if (m_pid > 0) {
    return;
  }
  m_pid = start_as(m_account,
                   {(m_bin_dir / "postgres").string(), "-D", (m_dir / "data").string(), "-p", std::to_string(m_port),
                    "-k", m_dir.string(), "-c", "listen_addresses=127.0.0.1", "-F"},
                   m_dir / "server.log", true);
  const std::string probe = "host=" + m_dir.string() + " port=" + std::to_string(m_port) +
                            " dbname=postgres user=" + k_user + " connect_timeout=2";
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (PQping(probe.c_str()) != PQPING_OK) {
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      throw std::runtime_error("the test PostgreSQL server exited while starting:\n" + log_tail());
    }
    if (Clock::now() >= deadline) {
      stop();
      throw std::runtime_error("the test PostgreSQL server did not accept connections within 30 s:\n" + log_tail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

PostgresServer::~PostgresServer() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(m_dir, ignored);
}

void PostgresServer::stop() {
  if (m_pid <= 0) {
    return;
  }
  kill(m_pid, SIGQUIT);
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (waitpid(m_pid, &status, WNOHANG) == 0) {
    if (Clock::now() >= deadline) {
      kill(m_pid, SIGKILL);
      waitpid(m_pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  m_pid = -1;
}

std::string PostgresServer::uri(const std::string& database) const {
  return "postgresql://" + std::string(k_user) + "@127.0.0.1:" + std::to_string(m_port) + "/" + database;
}

std::string PostgresServer::admin_uri() const {
  return uri("postgres");
}

std::string PostgresServer::create_database() {
  const std::string name = "nbsync_test_" + std::to_string(++m_databases);
  PGconn* admin = PQconnectdb(admin_uri().c_str());
  const std::unique_ptr<PGconn, void (*)(PGconn*)> close_admin(admin, PQfinish);
  if (PQstatus(admin) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to the test PostgreSQL server: " + first_line(PQerrorMessage(admin)));
  }
  PGresult* result = PQexec(admin, ("CREATE DATABASE " + name).c_str());
  const std::unique_ptr<PGresult, void (*)(PGresult*)> clear(result, PQclear);
  if (PQresultStatus(result) != PGRES_COMMAND_OK) {
    throw std::runtime_error("CREATE DATABASE " + name + " failed: " + first_line(PQerrorMessage(admin)));
  }
  return uri(name);
}

std::string PostgresServer::log_tail() const {
  const std::string log = read_file(m_dir / "server.log");
  return log.size() > 4000 ? log.substr(log.size() - 4000) : log;
}

std::string postgres_missing_reason() {
  return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres): install Debian's postgresql "
         "(scripts/deps) to run this test on PostgreSQL too";
}

PostgresServer* shared_postgres(std::string& why) {
  // Started on first use, not by a GoogleTest Environment at start: ctest runs each test in
  // a process of its own, and SQLite-only tests should not pay for a server.
  static std::unique_ptr<PostgresServer> server;
  if (server) {
    return server.get();
  }
  const std::optional<std::filesystem::path> bin_dir = PostgresServer::find_bin_dir();
  if (!bin_dir) {
    why =
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres): install Debian's postgresql "
        "(scripts/deps) to run this test on PostgreSQL too";
    return nullptr;
  }
  server = std::make_unique<PostgresServer>(*bin_dir);
  return server.get();
}

}  // namespace nbsync::test
