#include "config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include "tests/support/temp_dir.hpp"

namespace nbsync {
namespace {

using test::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

// Loads `text` as nbsync.toml in `dir` and returns the ConfigError message ("" if none).
std::string load_error(const TempDir& dir, const std::string& text) {
  const auto file = dir.write("nbsync.toml", text);
  try {
    load_config(file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

const std::string k_minimal = R"(
[netbox]
url = "http://127.0.0.1:8000"
token_file = "netbox.token"

[credentials]
username = "backup"
password_file = "device.password"
)";

class ConfigTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir.write("netbox.token", "0123456789abcdef0123456789abcdef01234567\n");
    dir.write("device.password", "s3cret-pw\n");
  }
  TempDir dir;
};

TEST_F(ConfigTest, GoodFileLoadsEveryKeyAndResolvesRelativePaths) {
  const auto file = dir.write("nbsync.toml", R"(
[netbox]
url = "https://netbox.example.com/api/"
token_file = "netbox.token"
timeout = "45s"
verify_tls = false
page_size = 500
[netbox.filters]
site = ["dc1", "dc2"]
status = "active"
tag = "backup"
custom_fields = { backup_enabled = "true" }

[ssh]
port = 2222
port_custom_field = "ssh_port"
address_fallback = "dns"
workers = 64
connect_timeout = "1500ms"
command_timeout = "2m"
max_config_bytes = "4MiB"
retries = 3
host_key_policy = "strict"

[credentials]
username = "backup"
password_file = "device.password"
enable_secret_file = "device.password"
[[credentials.override]]
platform = "juniper-junos"
username = "netconf"
password_file = "device.password"

[platforms]
ios = "cisco-ios"

[storage]
database = "state/nbsync.db"
mask_secrets = true

[log]
level = "debug"
format = "json"
)");
  const Config config = load_config(file);
  EXPECT_EQ(config.netbox.url, "https://netbox.example.com");
  EXPECT_EQ(config.netbox.token.reveal(), "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(config.netbox.token.origin(), "file " + (dir / "netbox.token").string());
  EXPECT_EQ(config.netbox.timeout, std::chrono::seconds(45));
  EXPECT_FALSE(config.netbox.verify_tls);
  EXPECT_EQ(config.netbox.page_size, 500);
  EXPECT_EQ(config.netbox.filters.site, (std::vector<std::string>{"dc1", "dc2"}));
  EXPECT_EQ(config.netbox.filters.status, (std::vector<std::string>{"active"}));
  EXPECT_EQ(config.netbox.filters.tag, (std::vector<std::string>{"backup"}));
  EXPECT_EQ(config.netbox.filters.custom_fields.at("backup_enabled"), "true");
  EXPECT_EQ(config.ssh.port, 2222);
  EXPECT_EQ(config.ssh.workers, 64);
  EXPECT_EQ(config.ssh.port_custom_field, "ssh_port");
  EXPECT_TRUE(config.ssh.dns_fallback);
  EXPECT_EQ(config.ssh.connect_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(config.ssh.command_timeout, std::chrono::minutes(2));
  EXPECT_EQ(config.ssh.max_config_bytes, 4u << 20);
  EXPECT_EQ(config.ssh.retries, 3);
  EXPECT_EQ(config.ssh.host_key_policy, HostKeyTrust::strict);
  EXPECT_EQ(config.credentials.username, "backup");
  EXPECT_EQ(config.credentials.password.reveal(), "s3cret-pw");
  EXPECT_EQ(config.credentials.enable_secret.reveal(), "s3cret-pw");
  ASSERT_EQ(config.credential_overrides.size(), 1u);
  EXPECT_EQ(config.credential_overrides[0].platform, "juniper-junos");
  EXPECT_EQ(config.credential_overrides[0].credential.username, "netconf");
  EXPECT_EQ(config.platforms.at("ios"), "cisco-ios");
  EXPECT_EQ(config.storage.database, dir / "state/nbsync.db");
  EXPECT_EQ(config.log.level, "debug");
  EXPECT_EQ(config.log.format, "json");
}

TEST_F(ConfigTest, DefaultsApplyWhenSectionsAreAbsent) {
  const Config config = load_config(dir.write("nbsync.toml", k_minimal));
  EXPECT_EQ(config.ssh.port, 22);
  EXPECT_EQ(config.ssh.workers, 768);
  EXPECT_EQ(config.ssh.host_key_policy, HostKeyTrust::first_use);
  EXPECT_EQ(config.netbox.page_size, 250);
  EXPECT_EQ(config.netbox.filters.status, (std::vector<std::string>{"active"}));
  EXPECT_TRUE(config.storage.mask_secrets);
}

// storage.database may name PostgreSQL: the URI is kept as given (not made a path), its
// password comes apart from it, and a password inside it is refused without being echoed.
TEST_F(ConfigTest, StorageDatabaseMayBeAPostgresUriWithItsPasswordApart) {
  dir.write("db.password", "pg-s3cret\n");
  const Config config = load_config(dir.write(
      "nbsync.toml", k_minimal +
                         "[storage]\ndatabase = \"postgresql://nbsync@db.example.net/nbsync?sslmode=verify-full\"\n"
                         "database_password_file = \"db.password\"\n"));
  EXPECT_TRUE(on_postgres(config));
  EXPECT_EQ(config.storage.postgres_uri, "postgresql://nbsync@db.example.net/nbsync?sslmode=verify-full");
  EXPECT_EQ(config.storage.database_password.reveal(), "pg-s3cret");
  EXPECT_EQ(database_path_problem(config), "") << "a URI is no file to check";

  const std::string inline_password =
      load_error(dir, k_minimal + "[storage]\ndatabase = \"postgres://nbsync:hunter2@db.example.net/nbsync\"\n");
  EXPECT_THAT(inline_password, HasSubstr("storage.database"));
  EXPECT_THAT(inline_password, HasSubstr("database_password"));
  EXPECT_THAT(inline_password, Not(HasSubstr("hunter2")));
  const std::string parameter = load_error(
      dir, k_minimal + "[storage]\ndatabase = \"postgresql://nbsync@db.example.net/nbsync?password=hunter2\"\n");
  EXPECT_THAT(parameter, HasSubstr("database_password"));
  EXPECT_THAT(parameter, Not(HasSubstr("hunter2")));
  EXPECT_THAT(
      load_error(dir, k_minimal + "[storage]\ndatabase = \"nbsync.db\"\ndatabase_password_file = \"db.password\"\n"),
      HasSubstr("only a PostgreSQL"));

  const Config file = load_config(dir.write("nbsync.toml", k_minimal + "[storage]\ndatabase = \"data/nbsync.db\"\n"));
  EXPECT_FALSE(on_postgres(file));
  EXPECT_EQ(file.storage.database, dir.path() / "data" / "nbsync.db");
}

TEST_F(ConfigTest, ACollectorHasANameAndAZoneItsFiltersNameUnlessGiven) {
  EXPECT_FALSE(is_collector(load_config(dir.write("nbsync.toml", k_minimal)).collector));
  const std::string filtered = R"(
[netbox]
url = "http://127.0.0.1:8000"
token_file = "netbox.token"
[netbox.filters]
site = ["dc1", "dc2"]
region = ["europe"]
tag = ["core"]

[credentials]
username = "backup"
password_file = "device.password"
)";
  const Config derived = load_config(dir.write("nbsync.toml", filtered + "[collector]\nname = \"dc1-a\"\n"));
  EXPECT_TRUE(is_collector(derived.collector));
  EXPECT_EQ(derived.collector.name, "dc1-a");
  EXPECT_EQ(derived.collector.zone, "region=europe site=dc1,dc2 tag=core")
      << "collectors with the same filters share a zone";
  EXPECT_EQ(derived.collector.lease, std::chrono::seconds(60));
  const Config named = load_config(
      dir.write("nbsync.toml", k_minimal + "[collector]\nname = \"b\"\nzone = \"dc-east\"\nlease = \"2m\"\n"));
  EXPECT_EQ(named.collector.zone, "dc-east");
  EXPECT_EQ(named.collector.lease, std::chrono::seconds(120));
  EXPECT_EQ(zone_of(named.netbox.filters), "all devices");

  EXPECT_THAT(load_error(dir, k_minimal + "[collector]\nzone = \"x\"\n"), HasSubstr("collector.name"));
  EXPECT_THAT(load_error(dir, k_minimal + "[collector]\nname = \"dc 1\"\n"), HasSubstr("letters, digits"));
  EXPECT_THAT(load_error(dir, k_minimal + "[collector]\nname = \"a\"\nlease = \"1s\"\n"),
              HasSubstr("between 2s and 1h"));
  EXPECT_THAT(load_error(dir, k_minimal + "[collector]\nname = \"a\"\nzones = \"x\"\n"), HasSubstr("unknown key"));
}

TEST_F(ConfigTest, UnknownKeyNamesFileLineAndKey) {
  const std::string error = load_error(dir, k_minimal + "\n[ssh]\nport = 22\nworkerz = 4\n");
  EXPECT_THAT(error, HasSubstr((dir / "nbsync.toml").string() + ":12: ssh.workerz: unknown key"));
  EXPECT_THAT(error, HasSubstr("workers"));  // says what was expected
}

TEST_F(ConfigTest, UnknownTopLevelTableIsRejected) {
  const std::string error = load_error(dir, k_minimal + "\n[netbocks]\nurl = \"x\"\n");
  EXPECT_THAT(error, HasSubstr("nbsync.toml:10: netbocks: unknown key"));
}

TEST_F(ConfigTest, WrongTypeNamesKeyAndExpectedType) {
  const std::string error = load_error(dir, k_minimal + "\n[ssh]\nworkers = \"many\"\n");
  EXPECT_THAT(error, HasSubstr("nbsync.toml:11: ssh.workers: expected an integer from 1 to 4096, got a string"));
}

TEST_F(ConfigTest, OutOfRangeAndBadDurationAreRejected) {
  EXPECT_THAT(load_error(dir, k_minimal + "\n[ssh]\nworkers = 0\n"),
              HasSubstr("ssh.workers: expected an integer from 1 to 4096, got 0"));
  EXPECT_THAT(load_error(dir, k_minimal + "\n[ssh]\nconnect_timeout = \"soon\"\n"),
              HasSubstr("ssh.connect_timeout: expected a duration"));
  EXPECT_THAT(load_error(dir, k_minimal + "\n[ssh]\nhost_key_policy = \"yolo\"\n"),
              HasSubstr("ssh.host_key_policy: expected \"tofu\" or \"strict\""));
}

// Found with fuzz/config: these overflowed (undefined behaviour) or wrapped to 0 bytes.
TEST_F(ConfigTest, DurationsAndSizesTooLargeToHoldAreRejected) {
  for (const char* value : {"\"9999999999999999999s\"", "\"9223372036854775807d\"", "9223372036854775807",
                            "\"200000000000000000ms\"", "\"3651d\""}) {
    EXPECT_THAT(load_error(dir, k_minimal + "\n[ssh]\ncommand_timeout = " + value + "\n"),
                HasSubstr("ssh.command_timeout: expected a duration such as \"500ms\", \"30s\", \"5m\", \"2h\" or "
                          "\"1d\" of at most 3650d"))
        << value;
  }
  EXPECT_EQ(load_error(dir, k_minimal + "\n[daemon]\ninterval = \"3650d\"\n"), "");
  EXPECT_THAT(load_error(dir, k_minimal + "\n[ssh]\nmax_config_bytes = \"17179869184GiB\"\n"),
              HasSubstr("ssh.max_config_bytes: expected a size"));
}

TEST_F(ConfigTest, MissingFileNamesTheFile) {
  try {
    load_config(dir / "missing.toml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(std::string(e.what()),
                HasSubstr("missing.toml: cannot read the config file: No such file or directory"));
  }
}

TEST_F(ConfigTest, SyntaxErrorNamesTheLine) {
  EXPECT_THAT(load_error(dir, "[netbox]\nurl = \"http://x\n"), HasSubstr("nbsync.toml:2: TOML syntax error"));
}

TEST_F(ConfigTest, MissingRequiredKeysAreNamed) {
  EXPECT_THAT(load_error(dir, "[credentials]\nusername = \"u\"\n"), HasSubstr("missing table [netbox]"));
  EXPECT_THAT(load_error(dir, "[netbox]\ntoken_file = \"netbox.token\"\n[credentials]\nusername = \"u\"\n"),
              HasSubstr("netbox: missing key url"));
  EXPECT_THAT(load_error(dir, "[netbox]\nurl = \"http://x\"\n[credentials]\nusername = \"u\"\n"),
              HasSubstr("netbox: missing key token"));
  EXPECT_THAT(load_error(dir, "[netbox]\nurl = \"ftp://x\"\ntoken_file = \"netbox.token\"\n"),
              HasSubstr("netbox.url: expected an http:// or https:// URL"));
}

TEST_F(ConfigTest, SecretFromEnvironment) {
  setenv("NBSYNC_TEST_TOKEN", "token-from-env-0123456789", 1);
  const Config config = load_config(dir.write("nbsync.toml", R"(
[netbox]
url = "http://127.0.0.1:8000"
token = "env:NBSYNC_TEST_TOKEN"
[credentials]
username = "backup"
password = "env:NBSYNC_TEST_TOKEN"
)"));
  unsetenv("NBSYNC_TEST_TOKEN");
  EXPECT_EQ(config.netbox.token.reveal(), "token-from-env-0123456789");
  EXPECT_EQ(config.netbox.token.origin(), "env NBSYNC_TEST_TOKEN");
  EXPECT_EQ(config.credentials.password.reveal(), "token-from-env-0123456789");
}

TEST_F(ConfigTest, UnsetEnvironmentVariableIsNamed) {
  unsetenv("NBSYNC_TEST_UNSET");
  const std::string error = load_error(dir, R"(
[netbox]
url = "http://127.0.0.1:8000"
token = "env:NBSYNC_TEST_UNSET"
)");
  EXPECT_THAT(error,
              HasSubstr("nbsync.toml:4: netbox.token: environment variable NBSYNC_TEST_UNSET is not set or empty"));
}

TEST_F(ConfigTest, InlineSecretIsRefusedWithoutEchoingIt) {
  const std::string error = load_error(dir, R"(
[netbox]
url = "http://127.0.0.1:8000"
token = "abcdef0123456789-inline-secret"
)");
  EXPECT_THAT(error, HasSubstr("netbox.token: inline secrets are not accepted"));
  EXPECT_THAT(error, HasSubstr("token_file"));
  EXPECT_THAT(error, Not(HasSubstr("inline-secret")));
}

TEST_F(ConfigTest, SecretFileProblemsNameTheFile) {
  EXPECT_THAT(load_error(dir, R"(
[netbox]
url = "http://127.0.0.1:8000"
token_file = "nope.token"
)"),
              HasSubstr("netbox.token_file: cannot read " + (dir / "nope.token").string()));
  dir.write("empty.token", "\n");
  EXPECT_THAT(load_error(dir, R"(
[netbox]
url = "http://127.0.0.1:8000"
token_file = "empty.token"
)"),
              HasSubstr("empty.token is empty"));
  EXPECT_THAT(load_error(dir, R"(
[netbox]
url = "http://127.0.0.1:8000"
token = "env:X"
token_file = "netbox.token"
)"),
              HasSubstr("not both"));
}

TEST_F(ConfigTest, SecretFromSystemdCredential) {
  dir.write("creds/netbox-token", "token-from-credential-0123456789\n");
  setenv("CREDENTIALS_DIRECTORY", (dir / "creds").c_str(), 1);
  const Config config = load_config(dir.write("nbsync.toml", R"(
[netbox]
url = "http://127.0.0.1:8000"
token = "credential:netbox-token"
[credentials]
username = "backup"
password_file = "device.password"
)"));
  EXPECT_EQ(config.netbox.token.reveal(), "token-from-credential-0123456789");
  EXPECT_EQ(config.netbox.token.origin(), "credential netbox-token");
  unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_THAT(load_error(dir, R"(
[netbox]
url = "http://127.0.0.1:8000"
token = "credential:netbox-token"
)"),
              HasSubstr("netbox.token: credential:netbox-token needs $CREDENTIALS_DIRECTORY"));
}

TEST_F(ConfigTest, HistoryStorageAndComplianceKeys) {
  dir.write("rules/compliance.toml", "[[rule]]\nname = \"r\"\nmust_match = [\"^hostname \"]\n");
  const Config config = load_config(dir.write("nbsync.toml", k_minimal + R"(
[storage]
full_copy_every = 5
keep_versions = 100
keep_days = 365
[compliance]
rules = "rules/compliance.toml"
)"));
  EXPECT_EQ(config.storage.full_copy_every, 5);
  EXPECT_EQ(config.storage.keep_versions, 100);
  EXPECT_EQ(config.storage.keep_days, 365);
  EXPECT_EQ(config.compliance.rules, dir / "rules/compliance.toml");
  const Config defaults = load_config(dir.write("nbsync.toml", k_minimal));
  EXPECT_EQ(defaults.storage.full_copy_every, 10);
  EXPECT_EQ(defaults.storage.keep_versions, 0);
  EXPECT_TRUE(defaults.compliance.rules.empty());
  EXPECT_THAT(load_error(dir, k_minimal + "[storage]\nfull_copy_every = 0\n"), HasSubstr("storage.full_copy_every"));
}

TEST_F(ConfigTest, SshLimitsNameTheirScopeAndCaps) {
  const Config config = load_config(dir.write("nbsync.toml", k_minimal + R"(
[ssh]
[[ssh.limit]]
site = "ams1"
sessions = 20
logins_per_second = 2.5
[[ssh.limit]]
tag = "old-tacacs"
platform = "cisco-asa"
logins_per_second = 1
)"));
  ASSERT_EQ(config.ssh.limits.size(), 2u);
  EXPECT_EQ(config.ssh.limits[0].scope.site, "ams1");
  EXPECT_EQ(config.ssh.limits[0].sessions, 20);
  EXPECT_EQ(config.ssh.limits[0].logins_per_second, 2.5);
  EXPECT_EQ(config.ssh.limits[1].scope.describe(), "tag=old-tacacs platform=cisco-asa");
  EXPECT_EQ(config.ssh.limits[1].sessions, 0);
  EXPECT_EQ(config.ssh.limits[1].logins_per_second, 1.0);
  EXPECT_TRUE(load_config(dir.write("nbsync.toml", k_minimal)).ssh.limits.empty());

  const std::string head = k_minimal + "[ssh]\n[[ssh.limit]]\nsite = \"ams1\"\n";
  EXPECT_THAT(load_error(dir, head), HasSubstr("a limit needs sessions = N (at once) and/or logins_per_second = R"));
  EXPECT_THAT(load_error(dir, head + "sessions = 0\n"), HasSubstr("sessions: expected an integer from 1 to 100000"));
  EXPECT_THAT(load_error(dir, head + "logins_per_second = -1\n"),
              HasSubstr("logins_per_second: expected a number from 0.001 to 100000, got -1"));
  EXPECT_THAT(load_error(dir, head + "logins_per_second = \"fast\"\n"), HasSubstr("logins_per_second"));
  EXPECT_THAT(load_error(dir, head + "sesions = 4\n"), HasSubstr("sesions: unknown key"));
  EXPECT_THAT(load_error(dir, k_minimal + "[ssh]\n[[ssh.limit]]\nregion = 4\nsessions = 4\n"),
              HasSubstr("region: expected a string"));
  const auto limits =
      load_config(dir.write("nbsync.toml", k_minimal + "[ssh]\n[[ssh.limit]]\nregion = \"europe\"\nsessions = 4\n"))
          .ssh.limits;
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_EQ(limits[0].scope.region, "europe");
  EXPECT_EQ(limits[0].scope.describe(), "region=europe");
}

TEST_F(ConfigTest, EachSiteStartsAtSixteenSessionsAtOnceOrNoWindowAtAll) {
  EXPECT_EQ(load_config(dir.write("nbsync.toml", k_minimal)).ssh.site_sessions_start, 16);
  EXPECT_EQ(
      load_config(dir.write("nbsync.toml", k_minimal + "[ssh]\nsite_sessions_start = 0\n")).ssh.site_sessions_start, 0);
  EXPECT_THAT(load_error(dir, k_minimal + "[ssh]\nsite_sessions_start = -1\n"), HasSubstr("site_sessions_start"));
}

TEST_F(ConfigTest, EachSitesLoginsArePacedAtTwoASecondUnlessSetOrOff) {
  EXPECT_EQ(load_config(dir.write("nbsync.toml", k_minimal)).ssh.site_logins_per_second, 2);
  EXPECT_EQ(load_config(dir.write("nbsync.toml", k_minimal + "[ssh]\nsite_logins_per_second = 0.5\n"))
                .ssh.site_logins_per_second,
            0.5);
  EXPECT_EQ(load_config(dir.write("nbsync.toml", k_minimal + "[ssh]\nsite_logins_per_second = 0\n"))
                .ssh.site_logins_per_second,
            0);
  EXPECT_THAT(load_error(dir, k_minimal + "[ssh]\nsite_logins_per_second = -1\n"), HasSubstr("site_logins_per_second"));
}

TEST_F(ConfigTest, TheMemoryBudgetIsASize) {
  EXPECT_EQ(load_config(dir.write("nbsync.toml", k_minimal)).ssh.memory_budget, 32u << 20);
  EXPECT_EQ(load_config(dir.write("nbsync.toml", k_minimal + "[ssh]\nmemory_budget = \"16MiB\"\n")).ssh.memory_budget,
            16u << 20);
  EXPECT_THAT(load_error(dir, k_minimal + "[ssh]\nmemory_budget = 0\n"),
              HasSubstr("ssh.memory_budget: expected a size such as"));
}

TEST_F(ConfigTest, JumpHostsHaveTheirOwnLoginAndMayChain) {
  dir.write("jump.password", "jump-secret\n");
  const Config config = load_config(dir.write("nbsync.toml", k_minimal + R"(
[ssh]
[[ssh.jump_host]]
name = "jump-1"
address = "192.0.2.10"
username = "jumpops"
password_file = "jump.password"
[[ssh.jump_host]]
name = "jump-2"
address = "10.0.0.2"
port = 2222
username = "jumpops"
private_key_file = "id_ed25519"
via = "jump-1"
site = "ams1"
sessions = 8
)"));
  ASSERT_EQ(config.ssh.jump_hosts.size(), 2u);
  EXPECT_EQ(config.ssh.jump_hosts[0].name, "jump-1");
  EXPECT_EQ(config.ssh.jump_hosts[0].port, 22);
  EXPECT_EQ(config.ssh.jump_hosts[0].credential.password.reveal(), "jump-secret");
  EXPECT_EQ(config.ssh.jump_hosts[0].via, "");
  EXPECT_EQ(config.ssh.jump_hosts[1].port, 2222);
  EXPECT_EQ(config.ssh.jump_hosts[1].credential.private_key_file, (dir / "id_ed25519").string());
  EXPECT_EQ(config.ssh.jump_hosts[1].via, "jump-1");
  EXPECT_TRUE(config.ssh.jump_hosts[0].scope.empty()) << "only the devices NetBox names it for";
  EXPECT_EQ(config.ssh.jump_hosts[0].sessions, 64);
  EXPECT_EQ(config.ssh.jump_hosts[1].scope.site, "ams1");
  EXPECT_EQ(config.ssh.jump_hosts[1].sessions, 8);
  EXPECT_TRUE(load_config(dir.write("nbsync.toml", k_minimal)).ssh.jump_hosts.empty());

  const std::string jump = "[[ssh.jump_host]]\nname = \"j\"\naddress = \"192.0.2.1\"\nusername = \"u\"\n";
  EXPECT_THAT(load_error(dir, k_minimal + "[ssh]\n" + jump),
              HasSubstr("jump host j needs a password or a private_key_file"));
  EXPECT_THAT(
      load_error(dir, k_minimal + "[ssh]\n[[ssh.jump_host]]\nname = \"j\"\npassword_file = \"jump.password\"\n"),
      HasSubstr("a jump host needs name, address and username"));
  EXPECT_THAT(
      load_error(dir, k_minimal + "[ssh]\n" + jump + "password_file = \"jump.password\"\nenable_secret = \"e\"\n"),
      HasSubstr("enable_secret: unknown key"));
  EXPECT_THAT(load_error(dir, k_minimal + "[ssh]\n" + jump + "password_file = \"jump.password\"\n" + jump +
                                  "password_file = \"jump.password\"\n"),
              HasSubstr("two jump hosts are named j"));
  EXPECT_THAT(load_error(dir, k_minimal + "[ssh]\n" + jump + "password_file = \"jump.password\"\nvia = \"nowhere\"\n"),
              HasSubstr("jump host j is reached via nowhere, which no [[ssh.jump_host]] names"));
  EXPECT_THAT(load_error(dir, k_minimal + "[ssh]\n" + jump + "password_file = \"jump.password\"\nvia = \"j\"\n"),
              HasSubstr("jump host j is reached through a loop of vias"));
  EXPECT_THAT(load_error(dir, k_minimal + "[ssh]\n" + jump + "password_file = \"jump.password\"\nsessions = 0\n"),
              HasSubstr("sessions"));
}

TEST_F(ConfigTest, ABadRulesFileIsABadConfig) {
  dir.write("rules.toml", "[[rule]]\nname = \"r\"\nmust_match = [\"(\"]\n");
  const std::string error = load_error(dir, k_minimal + "[compliance]\nrules = \"rules.toml\"\n");
  EXPECT_THAT(error, HasSubstr("compliance.rules"));
  EXPECT_THAT(error, HasSubstr("rules.toml:3"));
}

TEST_F(ConfigTest, DaemonKeys) {
  const Config config = load_config(dir.write("nbsync.toml", k_minimal + R"(
[daemon]
interval = "15m"
jitter = "30s"
shutdown_grace = "20s"
metrics_listen = "[::1]:9900"
)"));
  EXPECT_EQ(config.daemon.interval, std::chrono::minutes(15));
  EXPECT_EQ(config.daemon.jitter, std::chrono::seconds(30));
  EXPECT_EQ(config.daemon.shutdown_grace, std::chrono::seconds(20));
  EXPECT_EQ(config.daemon.metrics_listen, "[::1]:9900");
  EXPECT_EQ(load_config(dir.write("nbsync.toml", k_minimal)).daemon.metrics_listen, "127.0.0.1:9810");
  EXPECT_THAT(load_error(dir, k_minimal + "[daemon]\nmetrics_listen = \"nowhere\"\n"),
              HasSubstr("daemon.metrics_listen"));
  EXPECT_THAT(load_error(dir, k_minimal + "[daemon]\ninterval = \"0s\"\n"), HasSubstr("daemon.interval"));
}

}  // namespace
}  // namespace nbsync
