// The real nbsync binary, as a user runs it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

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
  for (const char* command :
       {"run", "daemon", "history", "show", "diff", "search", "compliance", "netbox-setup", "status"}) {
    EXPECT_THAT(result.out, HasSubstr(command));
  }
}

TEST(Cli, MissingConfigExitsTwoWithOneLineNamingTheFile) {
  TempDir dir;
  const auto result = run_process({k_nbsync, "run", "-c", (dir / "missing.toml").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_THAT(result.err, HasSubstr("missing.toml"));
}

TEST(Cli, UnknownOptionIsAUsageError) {
  const auto result = run_process({k_nbsync, "run", "--bogus"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--bogus"));
}

}  // namespace
}  // namespace nbsync::test
