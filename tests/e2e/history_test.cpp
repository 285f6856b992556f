// `history`, `show`, `diff` and `changes` as an engineer runs them, on a database a real
// cycle stored from the lab over real SSH, including what they say to input that does not fit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "storage/detail/sha256.hpp"
#include "tests/e2e/cycle_fixture.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class History : public CycleFixture {
protected:
  // Exit 2 and exactly one line on stderr containing `says`.
  void expect_one_line_error(const std::vector<std::string>& args, const std::string& says) {
    const auto result = nbsync(args);
    EXPECT_EQ(result.exit_code, 2) << args[0] << ": " << result.out << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_THAT(result.err, HasSubstr(says));
    EXPECT_EQ(result.out, "");
  }

  // A reachable device whose name no other device has (so the name picks it).
  std::int64_t device_with_unique_name(std::size_t skip) const {
    for (std::size_t i = skip; i < reachable.size(); ++i) {
      const auto& name = names.at(reachable[i]);
      const auto same =
          std::count_if(names.begin(), names.end(), [&](const auto& entry) { return entry.second == name; });
      if (!name.empty() && same == 1) {
        return reachable[i];
      }
    }
    return -1;
  }
};

TEST_F(History, EveryCommandReadsTheVersionsTwoRealCyclesStored) {
  start_lab(30, 21);
  write_config();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const std::int64_t victim = device_with_unique_name(2);
  const std::int64_t steady = device_with_unique_name(victim == reachable[3] ? 4 : 3);
  ASSERT_GT(victim, 0);
  ASSERT_GT(steady, 0);
  ASSERT_NE(victim, steady);
  const std::string name = names[victim];
  change_config(victim);
  ASSERT_EQ(run_nbsync().exit_code, 0);
  ASSERT_EQ(summary["changed"], 1) << summary.dump();

  // history: two versions, numbered oldest first, the second with its line changes.
  const auto history = nbsync({"history", name});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_THAT(history.out, HasSubstr(name + " (id " + std::to_string(victim)));
  EXPECT_THAT(history.out, HasSubstr("2 versions"));
  EXPECT_THAT(history.out, HasSubstr("TAKEN (UTC)"));
  const auto history_json = nbsync({"history", name, "--json"});
  ASSERT_EQ(history_json.exit_code, 0) << history_json.err;
  const auto parsed = json::parse(history_json.out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << history_json.out;
  ASSERT_EQ(parsed["versions"].size(), 2u);
  EXPECT_EQ(parsed["device"]["id"], victim);
  EXPECT_EQ(parsed["versions"][0]["version"], 1);
  EXPECT_EQ(parsed["versions"][1]["version"], 2);
  const auto& second = parsed["versions"][1];
  EXPECT_GT(second["lines_added"].get<int>() + second["lines_removed"].get<int>(), 0);
  EXPECT_THAT(history.out, HasSubstr(second["sha256"].get<std::string>().substr(0, 12)));
  EXPECT_THAT(second["taken_at"].get<std::string>(), ::testing::MatchesRegex("[0-9-]+T[0-9:]+Z"));
  const auto by_id = nbsync({"history", std::to_string(victim), "--json"});
  EXPECT_EQ(json::parse(by_id.out, nullptr, false), parsed) << "a NetBox id names the same device";
  const auto steady_history = nbsync({"history", names[steady], "--json"});
  EXPECT_EQ(json::parse(steady_history.out, nullptr, false)["versions"].size(), 1u);

  // show: each version is the stored text (its hash is the one history lists).
  const auto first_text = nbsync({"show", name, "--version", "1"});
  const auto second_text = nbsync({"show", name, "--version", "2"});
  ASSERT_EQ(first_text.exit_code, 0) << first_text.err;
  ASSERT_EQ(second_text.exit_code, 0) << second_text.err;
  EXPECT_NE(first_text.out, second_text.out);
  EXPECT_EQ(storage::detail::sha256_hex(first_text.out), parsed["versions"][0]["sha256"]);
  EXPECT_EQ(storage::detail::sha256_hex(second_text.out), second["sha256"]);
  EXPECT_EQ(nbsync({"show", name}).out, second_text.out) << "without a version: the latest";
  EXPECT_EQ(nbsync({"show", name, "--at", "2099-01-01"}).out, second_text.out);
  const auto show_json = json::parse(nbsync({"show", name, "--version", "1", "--json"}).out, nullptr, false);
  ASSERT_FALSE(show_json.is_discarded());
  EXPECT_EQ(show_json["config"], first_text.out);
  EXPECT_EQ(show_json["version"]["version"], 1);

  // diff: the latest change by default, as a unified diff with both kinds of lines.
  const auto diff = nbsync({"diff", name});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_THAT(diff.out, HasSubstr("--- " + name + " version 1 ("));
  EXPECT_THAT(diff.out, HasSubstr("+++ " + name + " version 2 ("));
  EXPECT_THAT(diff.out, ::testing::ContainsRegex("\n@@ -[0-9]+,[0-9]+ \\+[0-9]+,[0-9]+ @@\n"));
  EXPECT_THAT(diff.out, ::testing::ContainsRegex("\n\\+[^+]"));
  EXPECT_THAT(diff.out, ::testing::ContainsRegex("\n-[^-]"));
  EXPECT_THAT(diff.out, Not(HasSubstr("\033["))) << "no colour when stdout is not a terminal";
  EXPECT_EQ(nbsync({"diff", name, "1", "2"}).out, diff.out);
  EXPECT_EQ(nbsync({"diff", name, "1"}).out, diff.out);
  const auto diff_json = json::parse(nbsync({"diff", name, "--json"}).out, nullptr, false);
  ASSERT_FALSE(diff_json.is_discarded());
  EXPECT_EQ(diff_json["lines_added"], second["lines_added"]);
  EXPECT_EQ(diff_json["lines_removed"], second["lines_removed"]);
  EXPECT_EQ(diff_json["from"]["version"], 1);
  EXPECT_EQ(diff_json["to"]["version"], 2);
  const auto backwards = nbsync({"diff", name, "2", "1"});
  EXPECT_THAT(backwards.out, HasSubstr("--- " + name + " version 2 ("));

  // changes: exactly the changed device; first backups are not changes.
  const auto changes = nbsync({"changes", "--since", "1h"});
  ASSERT_EQ(changes.exit_code, 0) << changes.err;
  EXPECT_THAT(changes.out, HasSubstr("1 device changed since"));
  EXPECT_THAT(changes.out, HasSubstr(name));
  EXPECT_THAT(changes.out, Not(HasSubstr(names[steady] + " ")));
  const auto changes_json = json::parse(nbsync({"changes", "--since", "1h", "--json"}).out, nullptr, false);
  ASSERT_FALSE(changes_json.is_discarded());
  ASSERT_EQ(changes_json["devices"].size(), 1u);
  EXPECT_EQ(changes_json["devices"][0]["id"], victim);
  EXPECT_EQ(changes_json["devices"][0]["versions"], 1);
  EXPECT_EQ(changes_json["devices"][0]["lines_added"], second["lines_added"]);
  const auto same_platform =
      json::parse(nbsync({"changes", "--since", "1h", "--platform", platforms[victim], "--json"}).out, nullptr, false);
  EXPECT_EQ(same_platform["devices"].size(), 1u);
  const std::string other_platform = platforms[victim] == "cisco-ios" ? "arista-eos" : "cisco-ios";
  const auto other =
      json::parse(nbsync({"changes", "--since", "1h", "--platform", other_platform, "--json"}).out, nullptr, false);
  EXPECT_EQ(other["devices"].size(), 0u);
  const auto future = nbsync({"changes", "--since", "2099-01-01T00:00:00Z"});
  EXPECT_EQ(future.exit_code, 0);
  EXPECT_THAT(future.out, HasSubstr("no device changed since 2099-01-01T00:00:00Z"));

  // Input that does not fit: one line saying so, exit 2.
  expect_one_line_error({"history", "no-such-device"}, "no device named 'no-such-device'");
  expect_one_line_error({"show", "no-such-device"}, "no device named 'no-such-device'");
  expect_one_line_error({"show", name, "--version", "9"}, "there is no version 9");
  expect_one_line_error({"show", name, "--version", "two"}, "bad version 'two'");
  expect_one_line_error({"show", name, "--at", "yesterday"}, "bad time 'yesterday'");
  expect_one_line_error({"show", name, "--at", "2026-02-30"}, "bad time '2026-02-30'");
  expect_one_line_error({"show", name, "--at", "2000-01-01"}, "had no stored config at 2000-01-01T00:00:00Z");
  expect_one_line_error({"diff", name, "9"}, "there is no version 9");
  expect_one_line_error({"diff", name, "1", "0"}, "bad version '0'");
  expect_one_line_error({"diff", names[steady]}, "1 stored version: no change to show yet");
  expect_one_line_error({"changes", "--since", "soon"}, "bad time 'soon'");
}

TEST_F(History, AMissingDatabaseIsOneLineNamingItAndIsNotCreated) {
  start_lab(3, 22);
  write_config();
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"history", "dev"}, {"show", "dev"}, {"diff", "dev"}, {"changes", "--since", "1h"}}) {
    expect_one_line_error(args, (dir / "nbsync.db").string() + " does not exist");
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "nbsync.db"));
}

TEST_F(History, ANameTwoDevicesShareAsksForTheNetboxId) {
  start_lab(20, 23);
  write_config();
  ASSERT_GE(reachable.size(), 2u);
  const std::int64_t first = reachable[0];
  const std::int64_t twin = reachable[1];
  ASSERT_EQ(lab->send("PATCH", "/lab/devices/" + std::to_string(twin), {{"name", names[first]}}).status, 200);
  ASSERT_EQ(run_nbsync().exit_code, 0);
  expect_one_line_error({"history", names[first]}, "2 devices are named '" + names[first] + "': ");
  const auto by_id = nbsync({"history", std::to_string(twin), "--json"});
  ASSERT_EQ(by_id.exit_code, 0) << by_id.err;
  EXPECT_EQ(json::parse(by_id.out, nullptr, false)["device"]["id"], twin);
}

TEST_F(History, SearchFindsEveryMatchingLineOfTheLatestConfigsAndRejectsBadPatterns) {
  start_lab(40, 23);
  write_config();
  ASSERT_EQ(run_nbsync().exit_code, 0);

  // What a brute-force grep over `show` of every reachable device finds.
  const std::string pattern = "^snmp-server community .* RO";
  const auto line_pattern = std::regex(pattern);
  std::set<std::string> expected;
  for (const std::int64_t id : reachable) {
    const auto shown = nbsync({"show", std::to_string(id)});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    std::istringstream lines(shown.out);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
      if (std::regex_search(line, line_pattern)) {
        expected.insert(std::to_string(id) + ":" + std::to_string(number) + ": " + line);
      }
    }
  }
  ASSERT_FALSE(expected.empty()) << "the lab's configs should have SNMP communities";

  const auto found = nbsync({"search", pattern, "--json"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  const auto parsed = json::parse(found.out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << found.out;
  EXPECT_TRUE(parsed["index_used"].get<bool>());
  std::set<std::string> got;
  for (const auto& match : parsed["matches"]) {
    got.insert(std::to_string(match["device_id"].get<std::int64_t>()) + ":" +
               std::to_string(match["line"].get<std::int64_t>()) + ": " + match["text"].get<std::string>());
    EXPECT_THAT(match["text"].get<std::string>(), Not(HasSubstr("lab-")));  // masked, never the secret
  }
  EXPECT_EQ(got, expected);
  EXPECT_LT(parsed["configs_read"].get<std::int64_t>(), static_cast<std::int64_t>(reachable.size()) + 1);

  // The index was brought up to date by the cycle: a line only one device has reads one config.
  const std::int64_t one = device_with_unique_name(0);
  ASSERT_GT(one, 0);
  const auto unique = nbsync({"search", "^hostname " + names[one] + "$", "--json"});
  ASSERT_EQ(unique.exit_code, 0) << unique.err;
  const auto unique_parsed = json::parse(unique.out);
  EXPECT_EQ(unique_parsed["matches"].size(), 1u) << unique.out;
  EXPECT_EQ(unique_parsed["configs_read"], 1) << unique.out;

  // Plain output: device:line: text, one line per match; a summary on stderr.
  const auto plain = nbsync({"search", pattern});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(static_cast<std::size_t>(std::count(plain.out.begin(), plain.out.end(), '\n')), expected.size());
  EXPECT_THAT(plain.err, HasSubstr(std::to_string(expected.size()) + " match"));

  // Filters keep only that platform's devices.
  const auto ios = nbsync({"search", "hostname", "--platform", "cisco-ios", "--json"});
  ASSERT_EQ(ios.exit_code, 0) << ios.err;
  const auto ios_parsed = json::parse(ios.out);
  ASSERT_FALSE(ios_parsed["matches"].empty());
  for (const auto& match : ios_parsed["matches"]) {
    EXPECT_EQ(match["platform"], "cisco-ios");
  }

  // Nothing matches: exit 1 like grep, nothing on stdout.
  const auto none = nbsync({"search", "no-such-line-anywhere-[0-9]"});
  EXPECT_EQ(none.exit_code, 1) << none.err;
  EXPECT_EQ(none.out, "");
  expect_one_line_error({"search", "interface (Gig"}, "bad regular expression 'interface (Gig'");
  expect_one_line_error({"search", ""}, "the search pattern is empty");
}

}  // namespace
}  // namespace nbsync::test
