// nbsync-lab's command line: bad arguments give one line naming the argument, exit 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;

const std::string k_lab = std::string(NBSYNC_BINARY_DIR) + "/nbsync-lab";

void expect_usage_error(const std::vector<std::string>& args, const std::string& names) {
  std::vector<std::string> argv = {k_lab};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = run_process(argv, std::chrono::seconds(20));
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_THAT(result.err, HasSubstr(names));
}

TEST(LabCli, BadArgumentsAreNamed) {
  TempDir dir;
  const std::string token = dir.write("token", "abc\n").string();
  expect_usage_error({"--devices", "10"}, "--token-file");
  expect_usage_error({"--token-file", token, "--devices", "many"}, "--devices");
  expect_usage_error({"--token-file", token, "--api", "10.1.2.3:0"}, "--api");
  expect_usage_error({"--token-file", token, "--api", "127.0.0.1:http"}, "--api");
  expect_usage_error({"--token-file", (dir / "nope").string()}, "--token-file");
  expect_usage_error({"--token-file", token, "--bogus"}, "--bogus");
  expect_usage_error({"--token-file", token, "--aaa-site", "ams1"}, "--aaa-site");
  expect_usage_error({"--token-file", token, "--aaa-site", "ams1=fast"}, "expected SLUG=LOGINS_PER_SECOND");
}

TEST(LabCli, StateFromAnotherSeedIsRefused) {
  TempDir dir;
  const std::string token = dir.write("token", "abc\n").string();
  dir.write("state/netbox-state.json", R"({"version":1,"seed":5,"generated_count":10})");
  const auto result = run_process({k_lab, "--token-file", token, "--seed", "6", "--devices", "10", "--ssh-port", "0",
                                   "--state", (dir / "state").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("netbox-state.json: cannot use this lab state"));
}

}  // namespace
}  // namespace nbsync::test
