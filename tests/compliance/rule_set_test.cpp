#include "compliance/rule_set.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace nbsync::compliance {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The one-line message parse() throws for `text`, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    RuleSet::parse(text, "rules.toml");
  } catch (const RulesError& e) {
    return e.what();
  }
  return "";
}

TEST(RuleSet, ReadsEveryKey) {
  const RuleSet set = RuleSet::parse(R"(
[[rule]]
name = "vty-ssh-only"
description = "VTY lines accept SSH only"
severity = "warning"
platforms = ["cisco-ios", "cisco-nxos"]
roles = ["access"]
sites = ["ams1", "fra2"]
tags = ["pci"]
parent = "^line vty"
section_style = "indent"
require_parent = true
must_match = ["^ transport input ssh$"]
must_not_match = ["transport input .*telnet", "transport input all"]
[[rule.count]]
match = "^ exec-timeout "
min = 1
max = 1

[[rule]]
name = "ntp_servers.v2"
[[rule.count]]
match = "^ntp server "
min = 2
)",
                                     "rules.toml");
  ASSERT_EQ(set.rules().size(), 2U);
  const Rule& vty = set.rules()[0];
  EXPECT_EQ(vty.name, "vty-ssh-only");
  EXPECT_EQ(vty.description, "VTY lines accept SSH only");
  EXPECT_EQ(vty.severity, Severity::warning);
  EXPECT_EQ(vty.platforms, (std::vector<std::string>{"cisco-ios", "cisco-nxos"}));
  EXPECT_EQ(vty.roles, std::vector<std::string>{"access"});
  EXPECT_EQ(vty.sites, (std::vector<std::string>{"ams1", "fra2"}));
  EXPECT_EQ(vty.tags, std::vector<std::string>{"pci"});
  EXPECT_EQ(vty.parent.source(), "^line vty");
  EXPECT_EQ(vty.section_style, SectionStyle::indent);
  EXPECT_TRUE(vty.require_parent);
  ASSERT_EQ(vty.must_match.size(), 1U);
  EXPECT_EQ(vty.must_not_match.size(), 2U);
  ASSERT_EQ(vty.counts.size(), 1U);
  EXPECT_EQ(vty.counts[0].min, 1);
  EXPECT_EQ(vty.counts[0].max, 1);
  EXPECT_EQ(vty.source_line, 2);

  const Rule& ntp = set.rules()[1];
  EXPECT_EQ(ntp.severity, Severity::error) << "the default severity";
  EXPECT_TRUE(ntp.parent.empty());
  EXPECT_EQ(ntp.section_style, SectionStyle::automatic);
  EXPECT_TRUE(ntp.platforms.empty());
  EXPECT_EQ(ntp.counts[0].min, 2);
  EXPECT_FALSE(ntp.counts[0].max.has_value());
}

TEST(RuleSet, DigestFollowsTheText) {
  const std::string text = "[[rule]]\nname = \"a\"\nmust_match = [\"x\"]\n";
  const auto a = RuleSet::parse(text, "a.toml").digest();
  EXPECT_EQ(a.size(), 64U);
  EXPECT_EQ(a, RuleSet::parse(text, "b.toml").digest()) << "the origin is not part of the digest";
  EXPECT_NE(a, RuleSet::parse(text + "# a comment\n", "a.toml").digest());
}

TEST(RuleSet, LoadsAFileAndNamesItInErrors) {
  const auto dir = std::filesystem::temp_directory_path() / "nbsync_rule_set_test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "rules.toml";
  std::ofstream(file) << "[[rule]]\nname = \"a\"\nmust_match = [\"x\"]\n";
  EXPECT_EQ(RuleSet::load(file).rules().size(), 1U);
  EXPECT_EQ(RuleSet::load(file).origin(), file.string());
  std::ofstream(file) << "[[rule]]\nname = \"a\"\nmust_match = [\"(x\"]\n";
  try {
    RuleSet::load(file);
    FAIL() << "a bad regex loads";
  } catch (const RulesError& e) {
    EXPECT_THAT(e.what(), StartsWith(file.string() + ":3: rule \"a\": must_match[0]: "));
  }
  std::filesystem::remove_all(dir);
  try {
    RuleSet::load(file);
    FAIL() << "a missing file loads";
  } catch (const RulesError& e) {
    EXPECT_THAT(e.what(), StartsWith(file.string() + ": cannot read compliance rules: "));
  }
}

TEST(RuleSetErrors, BadToml) {
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nmust_match = [\"x\"\n"), StartsWith("rules.toml:3: not valid TOML: "));
}

TEST(RuleSetErrors, NoRulesOrSomethingElseAtTheTop) {
  EXPECT_THAT(error_of("# nothing\n"), StartsWith("rules.toml: no rules: add at least one [[rule]]"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nmust_match = [\"x\"]\n[rules]\nx = 1\n"),
              StartsWith("rules.toml:4: unknown key \"rules\": a rules file holds only [[rule]] tables"));
  EXPECT_THAT(error_of("rule = 3\n"), StartsWith("rules.toml:1: rule: expected tables written as [[rule]]"));
}

TEST(RuleSetErrors, UnknownKeyNamesTheKnownOnes) {
  const std::string error = error_of("[[rule]]\nname = \"a\"\nmust_match = [\"x\"]\nmust_matches = [\"y\"]\n");
  EXPECT_THAT(error, StartsWith("rules.toml:4: rule \"a\": unknown key \"must_matches\": use one of name, "));
  EXPECT_THAT(error, HasSubstr("must_not_match"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\n[[rule.count]]\nmatch = \"x\"\nminimum = 2\n"),
              StartsWith("rules.toml:5: rule \"a\": unknown key \"count.minimum\": use one of match, min, max"));
}

TEST(RuleSetErrors, WrongTypes) {
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nmust_match = \"x\"\n"),
              StartsWith("rules.toml:3: rule \"a\": must_match: expected an array of regular expressions"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nmust_match = [\"x\"]\nplatforms = [\"ios\",\n  3]\n"),
              StartsWith("rules.toml:5: rule \"a\": platforms: expected an array of strings, got an integer"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nmust_match = [\"x\"]\nrequire_parent = \"yes\"\n"),
              StartsWith("rules.toml:4: rule \"a\": require_parent: expected true or false, got a string"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nmust_match = [\"x\"]\nseverity = \"critical\"\n"),
              StartsWith("rules.toml:4: rule \"a\": severity: expected \"error\", \"warning\" or \"info\""));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nmust_match = [\"x\"]\nsection_style = \"curly\"\n"),
              StartsWith("rules.toml:4: rule \"a\": section_style: expected \"auto\", \"indent\" or \"braces\""));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\n[[rule.count]]\nmatch = \"x\"\nmin = \"2\"\n"),
              StartsWith("rules.toml:5: rule \"a\": count.min: expected an integer of at least 0, got a string"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\n[[rule.count]]\nmatch = \"x\"\nmax = -1\n"),
              StartsWith("rules.toml:5: rule \"a\": count.max: expected an integer of at least 0, got -1"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\ncount = 2\n"),
              StartsWith("rules.toml:3: rule \"a\": count: expected tables written as [[rule.count]]"));
}

TEST(RuleSetErrors, Names) {
  EXPECT_THAT(error_of("\n[[rule]]\nmust_match = [\"x\"]\n"),
              StartsWith("rules.toml:2: rule #1: has no name: add name = "));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nmust_match = [\"x\"]\n[[rule]]\nname = \"no spaces\"\n"),
              StartsWith("rules.toml:5: rule #2: name: \"no spaces\" is not a usable rule name"));
  EXPECT_EQ(error_of("[[rule]]\nname = \"a\"\nmust_match = [\"x\"]\n\n[[rule]]\nname = \"a\"\nmust_match = [\"y\"]\n"),
            "rules.toml:5: rule \"a\": the name is already used by the rule at line 1: give each rule its own name");
}

TEST(RuleSetErrors, BadRegexes) {
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nmust_match = [\"ok\",\n  \"(unclosed\"]\n"),
              StartsWith("rules.toml:4: rule \"a\": must_match[1]: bad pattern '(unclosed'"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nmust_match = [\"ok\"]\nparent = \"[\"\n"),
              StartsWith("rules.toml:4: rule \"a\": parent: bad pattern '['"));
  EXPECT_THAT(
      error_of("[[rule]]\nname = \"a\"\nmust_not_match = [\"\"]\n"),
      StartsWith("rules.toml:3: rule \"a\": must_not_match[0]: an empty regular expression matches every line"));
  EXPECT_THAT(
      error_of("[[rule]]\nname = \"a\"\n[[rule.count]]\nmatch = \"x{2\"\nmin = 1\n[[rule.count]]\nmatch = \"(\"\n"),
      StartsWith("rules.toml:7: rule \"a\": count.match: bad pattern '('"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nmust_match = [\"x\"]\nmust_not_match = [\"a\", 1]\n"),
              StartsWith("rules.toml:4: rule \"a\": must_not_match[1]: expected a regular expression in a string"));
}

TEST(RuleSetErrors, CountBounds) {
  EXPECT_EQ(error_of("[[rule]]\nname = \"ntp\"\n[[rule.count]]\nmatch = \"^ntp server \"\nmin = 5\nmax = 2\n"),
            "rules.toml:5: rule \"ntp\": count.min: min (5) is greater than max (2): make min <= max");
  EXPECT_THAT(error_of("[[rule]]\nname = \"ntp\"\n[[rule.count]]\nmatch = \"^ntp server \"\n"),
              StartsWith("rules.toml:3: rule \"ntp\": [[rule.count]] has neither min nor max"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"ntp\"\n[[rule.count]]\nmin = 1\n"),
              StartsWith("rules.toml:3: rule \"ntp\": [[rule.count]] has no match"));
}

TEST(RuleSetErrors, RulesThatCannotWork) {
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nmust_match = [\"x\"]\nrequire_parent = true\n"),
              StartsWith("rules.toml:4: rule \"a\": require_parent: is true but the rule has no parent"));
  EXPECT_THAT(error_of("[[rule]]\nname = \"a\"\nparent = \"^line\"\n"),
              StartsWith("rules.toml:1: rule \"a\": checks nothing: add must_match"));
}

}  // namespace
}  // namespace nbsync::compliance
