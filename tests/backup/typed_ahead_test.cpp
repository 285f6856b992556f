// split_typed_ahead: the outputs of commands typed ahead in one write, told apart by the
// prompt and the next command's echo between them, as a pty shell prints them.
#include "backup/detail/typed_ahead.hpp"

#include <gtest/gtest.h>

#include "backup/detail/config_text.hpp"

namespace nbsync::backup::detail {
namespace {

const std::vector<std::string> k_commands = {"terminal length 0", "terminal width 511", "show running-config"};

TEST(SplitTypedAhead, EachOutputEndsWhereThePromptEchoesTheNextCommand) {
  const std::string transcript =
      "terminal length 0\r\n"
      "sw1# terminal width 511\r\n"
      "sw1# show running-config\r\n"
      "!Command: show running-config\r\nhostname sw1\r\ninterface Ethernet1/1\r\n  no shutdown\r\n\r\n"
      "sw1# exit\r\n";
  const auto outputs = split_typed_ahead(transcript, "sw1# ", k_commands, "exit");
  ASSERT_EQ(outputs.size(), 3u);
  EXPECT_EQ(outputs[0], "terminal length 0\r\n");
  EXPECT_EQ(outputs[1], "sw1# terminal width 511\r\n");
  std::string config(outputs[2]);
  strip_echo_and_prompt(config, k_commands[2]);
  EXPECT_EQ(config, "!Command: show running-config\r\nhostname sw1\r\ninterface Ethernet1/1\r\n  no shutdown\r\n\r\n");
}

TEST(SplitTypedAhead, TheBarePromptAtTheEndClosesTheLastOutput) {
  // The device waits at its prompt: exit was eaten by a pager, or typed-ahead input dropped.
  const std::string transcript =
      "terminal length 0\r\nsw1# terminal width 511\r\nsw1# show running-config\r\nhostname sw1\r\nsw1# ";
  EXPECT_EQ(split_typed_ahead(transcript, "sw1#", k_commands, "exit").size(), 3u);
  const std::string dropped = "terminal length 0\r\nsw1# ";
  const auto outputs = split_typed_ahead(dropped, "sw1#", k_commands, "exit");
  ASSERT_EQ(outputs.size(), 1u) << "only the first command ran";
  EXPECT_EQ(outputs[0], "terminal length 0\r\n");
}

TEST(SplitTypedAhead, AConfigCutOffBeforeThePromptIsNotAnOutput) {
  const std::string transcript =
      "terminal length 0\r\nsw1# terminal width 511\r\nsw1# show running-config\r\nhostname sw1\r\ninterf";
  EXPECT_EQ(split_typed_ahead(transcript, "sw1# ", k_commands, "exit").size(), 2u);
  EXPECT_TRUE(split_typed_ahead("termi", "sw1# ", k_commands, "exit").empty());
}

TEST(SplitTypedAhead, ConfigLinesThatHoldACommandOrThePromptDoNotSplitIt) {
  const std::string transcript =
      "terminal length 0\r\nsw1# terminal width 511\r\nsw1# show running-config\r\n"
      "alias exec sw1# exit\r\n"  // the text, but not at a line start
      " exit\r\n"                 // a config block's exit
      "banner motd sw1# \r\n"
      "sw1# exit\r\n";
  const auto outputs = split_typed_ahead(transcript, "sw1# ", k_commands, "exit");
  ASSERT_EQ(outputs.size(), 3u);
  EXPECT_NE(outputs[2].find(" exit\r\nbanner motd sw1# \r\n"), std::string_view::npos);
  EXPECT_TRUE(outputs[2].ends_with("banner motd sw1# \r\n"));
}

TEST(SplitTypedAhead, PromptsDrawnWithTerminalCodesAreReadAsShown) {
  // NX-OS and Junos redraw the prompt line with "\r", blanks and "\r" after their pager.
  const std::string echo = "\r          \rnetops@r1> show configuration\r\n";
  const std::string body = "version 21.4R3;\r\nsystem {\r\n    host-name r1;\r\n}\r\n\r\n";
  const std::string transcript =  // kept: the outputs point into it
      "set cli screen-length 0\r\nScreen length set to 0\r\n\r\n" + echo + body + "netops@r1> exit";
  const auto outputs =
      split_typed_ahead(transcript, "netops@r1> ", {"set cli screen-length 0", "show configuration"}, "exit");
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[1], echo + body);
}

}  // namespace
}  // namespace nbsync::backup::detail
