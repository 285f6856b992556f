// The pure steps from what config commands printed to the config nbsync keeps: echo and
// prompt removed, a refusal spotted in the first lines, start and end markers.
#include "backup/detail/config_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nbsync::backup::detail {
namespace {

using ::testing::HasSubstr;

TEST(ConfigText, TheEchoAndThePromptAreCutOff) {
  std::string output = "show running-config\r\nhostname r1\r\nend\r\n\r\nr1#";
  strip_echo_and_prompt(output, "show running-config");
  EXPECT_EQ(output, "hostname r1\r\nend\r\n\r\n");
}

TEST(ConfigText, AFirstLineThatIsNotTheEchoStays) {
  std::string output = "hostname r1\nend\nr1#";
  strip_echo_and_prompt(output, "show running-config");
  EXPECT_EQ(output, "hostname r1\nend\n");
  std::string prompt_only = "r1#";
  strip_echo_and_prompt(prompt_only, "show running-config");
  EXPECT_EQ(prompt_only, "");
}

TEST(ConfigText, TheEchoIsRecognisedAsATerminalShowsIt) {
  std::string output = "show runx\bning-config\r\nhostname r1\r\nr1#";
  strip_echo_and_prompt(output, "show running-config");
  EXPECT_EQ(output, "hostname r1\r\n");
}

TEST(ConfigText, ARefusalIsFoundInTheFirstFiveLinesOnly) {
  const auto error = Pattern::compile("^% Invalid");
  EXPECT_EQ(refusal_line("       ^\r\n% Invalid input detected at '^' marker.\r\n", error),
            "% Invalid input detected at '^' marker.");
  EXPECT_EQ(refusal_line("1\n2\n3\n4\n5\n% Invalid\n", error), std::nullopt);
  EXPECT_EQ(refusal_line("1\n2\n3\n4\n% Invalid", error), "% Invalid");
  EXPECT_EQ(refusal_line("% Invalid\n", Pattern()), std::nullopt) << "no error pattern, no refusal";
}

TEST(ConfigText, TheFirstOutputIsMovedInAndLaterOnesAppended) {
  std::string config;
  std::string first = "a\n";
  append_output(config, std::move(first));
  append_output(config, std::string("b\n"));
  EXPECT_EQ(config, "a\nb\n");
}

TEST(ConfigText, LinesBeforeTheStartMarkerAreDropped) {
  const auto start = Pattern::compile("^version ");
  std::string config = "Building configuration...\r\n\r\nversion 15.2\r\nhostname r1\r\n";
  drop_before_start(config, start);
  EXPECT_EQ(config, "version 15.2\r\nhostname r1\r\n");
  std::string without = "hostname r1\n";
  drop_before_start(without, start);
  EXPECT_EQ(without, "") << "no start marker: nothing is the config";
}

TEST(ConfigText, TheEndMarkerIsFoundOnAnyLineAsATerminalShowsIt) {
  const auto end = Pattern::compile("^end$");
  EXPECT_TRUE(has_end_marker("hostname r1\r\nend\r\n\r\n", end));
  EXPECT_TRUE(has_end_marker("end\nbanner\n", end));
  EXPECT_TRUE(has_end_marker("hostname r1\nend", end));
  EXPECT_FALSE(has_end_marker("hostname r1\nendless\n", end));
  EXPECT_FALSE(has_end_marker("", end));
}

TEST(ConfigText, AConfigWithoutItsEndMarkerOrWithNothingInItIsIncomplete) {
  const auto profile =
      parse_profile("name = \"p\"\nprompt = '#$'\nconfig = [\"show running-config\"]\nconfig_end = '^end$'\n", "p");
  std::string cut = "hostname r1\ninterface x\n";
  const auto problem = finish_config(cut, *profile, "r1 (#1)");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->kind, OutcomeKind::incomplete);
  EXPECT_THAT(problem->message, HasSubstr("r1 (#1): the config has no end marker ('^end$') after 24 bytes"));

  const auto no_marker = parse_profile("name = \"q\"\nprompt = '#$'\nconfig = [\"show running-config\"]\n", "q");
  std::string blank = " \r\n\t\n";
  const auto empty = finish_config(blank, *no_marker, "r1");
  ASSERT_TRUE(empty);
  EXPECT_THAT(empty->message, HasSubstr("printed an empty config"));

  std::string whole = "hostname r1\nend\n";
  EXPECT_FALSE(finish_config(whole, *profile, "r1"));
  EXPECT_EQ(whole, "hostname r1\nend\n");
}

}  // namespace
}  // namespace nbsync::backup::detail
