// The real nbsync binary, as a user runs it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;

const std::string k_nbsync = std::string(NBSYNC_BINARY_DIR) + "/nbsync";

TEST(Cli, VersionPrintsTheVersion) {
  const auto result = run_process({k_nbsync, "--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.out, ::testing::MatchesRegex("nbsync [0-9]+\\.[0-9]+\\.[0-9]+\n"));
}

TEST(Cli, HelpListsEverySubcommand) {
  const auto result = run_process({k_nbsync, "--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* command : {"run", "daemon", "hostkey", "history", "show", "diff", "changes", "search", "compliance",
                              "netbox-setup", "status", "outbox", "db"}) {
    EXPECT_THAT(result.out, ::testing::ContainsRegex(std::string("\n  ") + command + " +[A-Z]"))
        << command << " is listed with its description";
  }
}

TEST(Cli, MissingConfigExitsTwoWithOneLineNamingTheFile) {
  TempDir dir;
  const auto result = run_process({k_nbsync, "run", "-c", (dir / "missing.toml").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_THAT(result.err, HasSubstr("missing.toml"));
}

TEST(Cli, AConfigPathThatIsADirectoryIsNamedAsOne) {
  TempDir dir;
  const auto result = run_process({k_nbsync, "status", "-c", dir.path().string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(dir.path().string() + ": is a directory, not a config file"));
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

// Every command that uses the database gives a bad storage.database the same exit code
// and the same one line.
TEST(Cli, ADatabasePathProblemIsExitTwoFromEveryCommand) {
  TempDir dir;
  std::filesystem::create_directory(dir / "a-directory");
  dir.write("token", "0123456789abcdef0123456789abcdef01234567\n");
  const std::string head =
      "[netbox]\nurl = \"http://127.0.0.1:9\"\ntoken_file = \"token\"\n[credentials]\nusername = \"u\"\n"
      "password_file = \"token\"\n[storage]\n";
  dir.write("missing-dir.toml", head + "database = \"no-such-dir/nbsync.db\"\n");
  dir.write("is-dir.toml", head + "database = \"a-directory\"\n");
  const std::vector<std::vector<std::string>> commands = {
      {"run", "--once"},   {"status"},
      {"history", "x"},    {"show", "x"},
      {"diff", "x"},       {"changes"},
      {"search", "x"},     {"hostkey", "accept", "x"},
      {"outbox", "retry"}, {"db", "copy", "--to", "postgresql://nbsync@127.0.0.1:1/nbsync"}};
  for (const auto& [file, says] :
       std::vector<std::pair<std::string, std::string>>{{"missing-dir.toml", "the database directory does not exist"},
                                                        {"is-dir.toml", "a-directory: is a directory"}}) {
    for (auto args : commands) {
      args.insert(args.begin(), k_nbsync);
      args.push_back("-c");
      args.push_back((dir / file).string());
      const auto result = run_process(args);
      EXPECT_EQ(result.exit_code, 2) << args[1] << " with " << file << ": " << result.err;
      EXPECT_THAT(result.err, HasSubstr(says)) << args[1] << " with " << file;
    }
  }
}

TEST(Cli, UnknownOptionIsAUsageError) {
  const auto result = run_process({k_nbsync, "run", "--bogus"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--bogus"));
}

}  // namespace
}  // namespace nbsync::test
