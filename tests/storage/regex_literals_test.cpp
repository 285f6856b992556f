#include "storage/regex_literals.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nbsync::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(RegexLiterals, PlainTextIsOneLiteral) {
  EXPECT_THAT(required_literals("snmp-server community"), ElementsAre("snmp-server community"));
}

TEST(RegexLiterals, MetacharactersSplitLiterals) {
  EXPECT_THAT(required_literals("^ip address 10\\.1\\.\\d+ 255"), ElementsAre("ip address 10.1.", " 255"));
  EXPECT_THAT(required_literals("ntp server .* prefer$"), ElementsAre("ntp server ", " prefer"));
}

TEST(RegexLiterals, OptionalCharactersAreDropped) {
  EXPECT_THAT(required_literals("colou?r scheme"), ElementsAre("colo", "r scheme"));
  EXPECT_THAT(required_literals("vlans* 100"), ElementsAre("vlan", " 100"));
  EXPECT_THAT(required_literals("abcx{0,2}def"), ElementsAre("abc", "def"));
  EXPECT_THAT(required_literals("abcx{2}def"), ElementsAre("abcx", "def"));
  EXPECT_THAT(required_literals("abcx+def"), ElementsAre("abcx", "def"));
}

TEST(RegexLiterals, GroupsAndClassesAreSkippedWhole) {
  EXPECT_THAT(required_literals("interface (Gig|Ten)abitEthernet[0-9]/1"), ElementsAre("interface ", "abitEthernet"));
  EXPECT_THAT(required_literals("(?i)logging host"), ElementsAre("logging host"));
  EXPECT_THAT(required_literals("a[]x]bcd"), ElementsAre("bcd"));
}

TEST(RegexLiterals, AlternationOrExtendedModeGiveUp) {
  EXPECT_THAT(required_literals("telnet|rlogin"), IsEmpty());
  EXPECT_THAT(required_literals("(?x) snmp server"), IsEmpty());
  EXPECT_THAT(required_literals("broken(group"), IsEmpty());
}

TEST(RegexLiterals, QuotedAndEscapedCharacters) {
  EXPECT_THAT(required_literals("\\Qa.b*c\\E tail"), ElementsAre("a.b*c", " tail"));
  EXPECT_THAT(required_literals("path C:\\\\cfg"), ElementsAre("path C:\\cfg"));
  EXPECT_THAT(required_literals("interfaces {"), ElementsAre("interfaces {"));
}

TEST(RegexLiterals, ShortPiecesCannotNarrow) {
  EXPECT_THAT(required_literals("a.b.c"), IsEmpty());
}

}  // namespace
}  // namespace nbsync::storage
