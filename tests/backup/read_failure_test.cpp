// What a command's read that did not end at the prompt means: each reason a read stops
// becomes the outcome kind FAULTS.md asks for, with a message naming device and command.
#include "backup/detail/read_failure.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nbsync::backup::detail {
namespace {

using ::testing::HasSubstr;

SessionLimits limits() {
  SessionLimits l;
  l.command_idle_timeout = std::chrono::milliseconds(1500);
  l.command_timeout = std::chrono::milliseconds(60000);
  l.max_config_bytes = 1000;
  return l;
}

Outcome failure_for(ReadEnd end, std::size_t bytes = 42) {
  const auto outcome = command_failure({end, {}}, "show running-config", bytes, limits(), "r1 (#7)");
  if (!outcome) {
    throw std::logic_error("no outcome");
  }
  return *outcome;
}

TEST(ReadFailure, ThePromptIsNoFailure) {
  EXPECT_FALSE(command_failure({ReadEnd::prompt, {}}, "show running-config", 10, limits(), "r1"));
}

TEST(ReadFailure, EachStopIsTheOutcomeAClientShouldConclude) {
  EXPECT_EQ(failure_for(ReadEnd::idle).kind, OutcomeKind::timeout);
  EXPECT_EQ(failure_for(ReadEnd::deadline).kind, OutcomeKind::timeout);
  EXPECT_EQ(failure_for(ReadEnd::abandoned).kind, OutcomeKind::timeout);
  EXPECT_EQ(failure_for(ReadEnd::too_large).kind, OutcomeKind::too_large);
  EXPECT_EQ(failure_for(ReadEnd::eof).kind, OutcomeKind::incomplete);
  EXPECT_EQ(failure_for(ReadEnd::error).kind, OutcomeKind::incomplete);
  EXPECT_EQ(failure_for(ReadEnd::question).kind, OutcomeKind::protocol);
}

TEST(ReadFailure, MessagesNameTheDeviceTheCommandAndTheLimit) {
  EXPECT_EQ(failure_for(ReadEnd::idle).message,
            "r1 (#7): 'show running-config' went silent for 1500 ms after 42 bytes");
  EXPECT_THAT(failure_for(ReadEnd::deadline).message, HasSubstr("did not finish within 60000 ms (42 bytes so far)"));
  EXPECT_THAT(failure_for(ReadEnd::too_large).message, HasSubstr("more than ssh.max_config_bytes (1000)"));
  EXPECT_THAT(failure_for(ReadEnd::eof, 9).message,
              HasSubstr("connection dropped during 'show running-config' after 9"));
  EXPECT_EQ(failure_for(ReadEnd::abandoned).message, abandoned("r1 (#7)").message);
  EXPECT_THAT(abandoned("r1").message, HasSubstr("shutting down; nothing stored"));
}

}  // namespace
}  // namespace nbsync::backup::detail
