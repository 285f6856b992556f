#include "compliance/evaluator.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>

namespace nbsync::compliance {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::string_view k_ios = R"(!
hostname edge-1
ip ssh version 2
ntp server 10.0.0.1
!
interface GigabitEthernet0/1
 description uplink
 switchport mode trunk
!
interface GigabitEthernet0/2
 switchport mode access
 no ip redirects
 spanning-tree portfast
!
interface GigabitEthernet0/3
 switchport mode access
 spanning-tree portfast
!
router bgp 65001
 neighbor 10.1.1.1 remote-as 65002
 !
 address-family ipv4
  neighbor 10.1.1.1 activate
  neighbor 10.1.1.1 send-community
 exit-address-family
!
line con 0
 transport input none
line vty 0 4
 transport input ssh
line vty 5 15
 transport input telnet ssh
!
end
)";

constexpr std::string_view k_junos = R"(## Last commit: 2026-01-01 10:00:00 UTC by admin
version 21.4R3;
system {
    host-name core-1;
    services {
        ssh {
            protocol-version v2;
        }
        netconf {
            ssh;
        }
        telnet;
    }
    ntp {
        server 10.0.0.1;
        server 10.0.0.2;
    }
}
interfaces {
    ge-0/0/0 {
        description "uplink {core}";
        unit 0 {
            family inet {
                address 192.0.2.1/31;
            }
        }
    }
}
)";

// The results of the rules in `toml` for a device with `facts`.
std::vector<RuleResult> check(const std::string& toml, std::string_view config, const DeviceFacts& facts = {}) {
  return evaluate(RuleSet::parse(toml, "rules.toml"), facts, config);
}

RuleResult check_one(const std::string& toml, std::string_view config) {
  auto results = check(toml, config);
  EXPECT_EQ(results.size(), 1U);
  return results.empty() ? RuleResult{} : results.front();
}

TEST(Evaluate, MustMatchOverTheWholeConfig) {
  const auto pass = check_one("[[rule]]\nname = \"ssh2\"\nmust_match = [\"^ip ssh version 2$\"]\n", k_ios);
  EXPECT_TRUE(pass.passed);
  EXPECT_THAT(pass.problems, IsEmpty());
  EXPECT_EQ(pass.rule, "ssh2");

  const auto fail = check_one(
      "[[rule]]\nname = \"log\"\nseverity = \"warning\"\nmust_match = [\"^logging host \", \"^hostname \"]\n", k_ios);
  EXPECT_FALSE(fail.passed);
  EXPECT_EQ(fail.severity, Severity::warning);
  EXPECT_THAT(fail.problems, ElementsAre("missing a line matching \"^logging host \""));
}

TEST(Evaluate, MustNotMatchNamesEveryLine) {
  const auto pass = check_one("[[rule]]\nname = \"no-http\"\nmust_not_match = [\"^ip http server\"]\n", k_ios);
  EXPECT_TRUE(pass.passed);
  const auto fail = check_one("[[rule]]\nname = \"portfast\"\nmust_not_match = [\"portfast\"]\n", k_ios);
  EXPECT_FALSE(fail.passed);
  EXPECT_THAT(fail.problems, ElementsAre("line 13: \"spanning-tree portfast\" must not match \"portfast\"",
                                         "line 17: \"spanning-tree portfast\" must not match \"portfast\""));
}

TEST(Evaluate, CountBounds) {
  const std::string rule = "[[rule]]\nname = \"ntp\"\n[[rule.count]]\nmatch = \"^ntp server \"\n";
  EXPECT_TRUE(check_one(rule + "min = 1\nmax = 1\n", k_ios).passed);
  EXPECT_THAT(check_one(rule + "min = 2\nmax = 4\n", k_ios).problems,
              ElementsAre("too few lines matching \"^ntp server \" (found 1, need at least 2)"));
  EXPECT_THAT(check_one(rule + "max = 0\n", k_ios).problems,
              ElementsAre("too many lines matching \"^ntp server \" (found 1, need at most 0)"));
  EXPECT_THAT(
      check_one("[[rule]]\nname = \"log\"\n[[rule.count]]\nmatch = \"^logging host\"\nmin = 2\n", k_ios).problems,
      ElementsAre("missing a line matching \"^logging host\" (found 0, need at least 2)"));
}

TEST(Evaluate, IosSectionsEachChecked) {
  const auto vty = check_one(R"([[rule]]
name = "vty-ssh-only"
parent = "^line vty"
must_match = ["^ transport input ssh$"]
must_not_match = ["transport input .*telnet"]
)",
                             k_ios);
  EXPECT_FALSE(vty.passed);
  EXPECT_THAT(vty.problems,
              ElementsAre("line 32: \"transport input telnet ssh\" must not match \"transport input .*telnet\" "
                          "(section \"line vty 5 15\")",
                          "missing a line matching \"^ transport input ssh$\" (section \"line vty 5 15\" at line 31)"));

  const auto access = check_one(R"([[rule]]
name = "access-ports"
parent = "^interface "
must_match = ["^ no ip redirects$", "^ spanning-tree portfast$"]
)",
                                k_ios);
  // Gi0/1 lacks both; Gi0/3 lacks "no ip redirects": every section is checked on its own.
  EXPECT_THAT(access.problems,
              ElementsAre("missing a line matching \"^ no ip redirects$\" (section \"interface GigabitEthernet0/1\" at "
                          "line 6)",
                          "missing a line matching \"^ spanning-tree portfast$\" (section \"interface "
                          "GigabitEthernet0/1\" at line 6)",
                          "missing a line matching \"^ no ip redirects$\" (section \"interface GigabitEthernet0/3\" at "
                          "line 15)"));
}

TEST(Evaluate, IosNestedBlocksBelongToTheirSection) {
  // The address-family block, after a deeper " !", is still part of "router bgp".
  EXPECT_TRUE(
      check_one("[[rule]]\nname = \"c\"\nparent = \"^router bgp\"\nmust_match = [\"send-community\"]\n", k_ios).passed);
  // The nested header is a section of its own too, and ends at "exit-address-family".
  const auto nested = check_one(
      "[[rule]]\nname = \"c\"\nparent = \"^ address-family\"\nmust_not_match = [\"remote-as\"]\n"
      "[[rule.count]]\nmatch = \"neighbor\"\nmin = 2\nmax = 2\n",
      k_ios);
  EXPECT_TRUE(nested.passed) << ::testing::PrintToString(nested.problems);
  // A top-level "!" ends a section: "line con 0" does not reach into the vty lines.
  EXPECT_THAT(check_one("[[rule]]\nname = \"c\"\nparent = \"^line con\"\nmust_not_match = [\"ssh\"]\n", k_ios).problems,
              IsEmpty());
  // Lines indented no deeper than the header end the section.
  EXPECT_THAT(
      check_one("[[rule]]\nname = \"c\"\nparent = \"^interface GigabitEthernet0/1$\"\nmust_not_match = [\"access\"]\n",
                k_ios)
          .problems,
      IsEmpty());
}

TEST(Evaluate, JunosBracesNested) {
  const std::string services =
      "[[rule]]\nname = \"junos-no-telnet\"\nparent = \"^    services \\\\{$\"\nmust_not_match = [\"^\\\\s*telnet\"]\n"
      "must_match = [\"protocol-version v2\"]\n";
  const auto result = check_one(services, k_junos);
  EXPECT_THAT(result.problems,
              ElementsAre("line 12: \"telnet;\" must not match \"^\\s*telnet\" (section \"services\")"));
  // Nested blocks are inside their parent; the closing brace of `system` ends it.
  const auto system = check_one(
      "[[rule]]\nname = \"s\"\nparent = \"^system \"\n[[rule.count]]\nmatch = \"^\\\\s+server \"\nmin = 2\nmax = 2\n"
      "[[rule.count]]\nmatch = \"address\"\nmax = 0\n",
      k_junos);
  EXPECT_TRUE(system.passed) << ::testing::PrintToString(system.problems);
  // Braces inside quotes do not open or close anything.
  const auto ge =
      check_one("[[rule]]\nname = \"g\"\nparent = \"ge-0/0/0\"\nmust_match = [\"address 192.0.2.1/31\"]\n", k_junos);
  EXPECT_TRUE(ge.passed) << ::testing::PrintToString(ge.problems);
  // A matching line that opens no block is not a section header.
  EXPECT_THAT(check_one("[[rule]]\nname = \"t\"\nparent = \"telnet\"\nrequire_parent = true\n", k_junos).problems,
              ElementsAre("no section matches \"telnet\""));
}

TEST(Evaluate, SectionStyleCanBeForced) {
  // Indent style on Junos text: "services {" then holds every deeper-indented line up to "}".
  const auto indent = check_one(
      "[[rule]]\nname = \"i\"\nparent = \"^    services\"\nsection_style = \"indent\"\nmust_match = [\"^    }$\"]\n",
      k_junos);
  EXPECT_FALSE(indent.passed) << "the closing brace is at the header's indent, so outside the section";
  const auto braces = check_one(
      "[[rule]]\nname = \"b\"\nparent = \"^line vty\"\nsection_style = \"braces\"\nrequire_parent = true\n", k_ios);
  EXPECT_THAT(braces.problems, ElementsAre("no section matches \"^line vty\""));
}

TEST(Evaluate, RequireParent) {
  const std::string rule = "[[rule]]\nname = \"aaa\"\nparent = \"^aaa group server\"\nmust_match = [\"server name\"]\n";
  EXPECT_TRUE(check_one(rule, k_ios).passed) << "without require_parent a config without the section passes";
  EXPECT_THAT(check_one(rule + "require_parent = true\n", k_ios).problems,
              ElementsAre("no section matches \"^aaa group server\""));
  EXPECT_TRUE(check_one("[[rule]]\nname = \"v\"\nparent = \"^line vty\"\nrequire_parent = true\n", k_ios).passed);
}

TEST(Evaluate, ProblemsAreCapped) {
  std::string config;
  for (int i = 0; i < 50; ++i) {
    config.append("snmp-server community x").append(std::to_string(i)).append(" RO\n");
  }
  const auto result = check_one("[[rule]]\nname = \"snmp\"\nmust_not_match = [\"community\"]\n", config);
  ASSERT_EQ(result.problems.size(), k_max_problems + 1);
  EXPECT_EQ(result.problems.front(), "line 1: \"snmp-server community x0 RO\" must not match \"community\"");
  EXPECT_EQ(result.problems.back(), "and 30 more");
}

TEST(Evaluate, QuotesLinesSafely) {
  const std::string config = "banner \x01\xff ok\r\n" + std::string(300, 'a') + "\n";
  const auto result = check_one("[[rule]]\nname = \"b\"\nmust_not_match = [\"banner\", \"^a+$\"]\n", config);
  ASSERT_EQ(result.problems.size(), 2U);
  EXPECT_EQ(result.problems[0], "line 1: \"banner ?? ok\" must not match \"banner\"");
  EXPECT_LT(result.problems[1].size(), 200U);
  EXPECT_NE(result.problems[1].find("...\" must not match"), std::string::npos);
}

TEST(Scope, EveryGivenListMustMatch) {
  const RuleSet set = RuleSet::parse(R"(
[[rule]]
name = "any"
must_match = ["x"]
[[rule]]
name = "ios-access-ams"
platforms = ["cisco-ios", "cisco-nxos"]
roles = ["access"]
sites = ["ams1"]
must_match = ["x"]
[[rule]]
name = "pci"
tags = ["pci", "sox"]
roles = []
must_match = ["x"]
)",
                                     "rules.toml");
  const auto& any = set.rules()[0];
  const auto& ios = set.rules()[1];
  const auto& pci = set.rules()[2];
  const DeviceFacts device{"cisco-nxos", "access", "ams1", {"lab", "sox"}};
  EXPECT_TRUE(in_scope(any, DeviceFacts{}));
  EXPECT_TRUE(in_scope(ios, device));
  EXPECT_TRUE(in_scope(pci, device));
  EXPECT_FALSE(in_scope(ios, DeviceFacts{"arista-eos", "access", "ams1", {}}));
  EXPECT_FALSE(in_scope(ios, DeviceFacts{"cisco-ios", "core", "ams1", {}}));
  EXPECT_FALSE(in_scope(ios, DeviceFacts{"cisco-ios", "access", "fra1", {}}));
  EXPECT_FALSE(in_scope(pci, DeviceFacts{"cisco-ios", "access", "fra1", {"lab"}}));
  EXPECT_FALSE(in_scope(pci, DeviceFacts{}));

  const auto results = evaluate(set, DeviceFacts{"arista-eos", "core", "fra1", {"pci"}}, "x\n");
  ASSERT_EQ(results.size(), 2U) << "only rules in scope give a result";
  EXPECT_EQ(results[0].rule, "any");
  EXPECT_EQ(results[1].rule, "pci");
}

TEST(Evaluate, EmptyConfig) {
  const auto result = check_one("[[rule]]\nname = \"a\"\nmust_match = [\"^hostname\"]\n", "");
  EXPECT_THAT(result.problems, ElementsAre("missing a line matching \"^hostname\""));
}

// Lines are skipped by a literal every match must contain; whatever the pattern, the lines
// counted must be exactly those a plain per-line search finds.
TEST(Evaluate, SkippingLinesNeverMissesAMatch) {
  const std::vector<std::string> patterns = {
      "^ntp server ", "colou?r", "ab*c",           "x{2}yz",         "tel|ssh",         "transport input",
      "(?i)SSH",      "a\\.b",   "^ *spanning-tr", "[Tt]elnet",      "server$",         "^$",
      "e+t",          "n.t",     "^line vty",      "(?<!no )shut",   "input [a-z]+$",   "\\Atransport",
      "ssh\\z",       "zz*z",    "portfast$",      "redirects(?!x)", "ntp server 10.0", "^ no ip"};
  const std::string config = std::string(k_ios) + "color colour colouur\nabc ac abbbc\nxxyz xyz\nSSH ssh\na.b axb\n" +
                             "net nt neet\nshutdown\n no shutdown\nntp server 10.0.0.9\n\n";
  for (const auto& source : patterns) {
    std::string toml = "[[rule]]\nname = \"p\"\n[[rule.count]]\nmatch = '";
    toml.append(source).append("'\nmin = 1000000\n");
    const auto result = check_one(toml, config);
    const Pattern pattern = Pattern::compile(source);
    int expected = 0;
    std::size_t start = 0;
    while (start < config.size()) {
      const std::size_t end = config.find('\n', start);
      expected += pattern.search(std::string_view(config).substr(start, end - start)) ? 1 : 0;
      start = end + 1;
    }
    ASSERT_EQ(result.problems.size(), 1U) << source;
    EXPECT_NE(result.problems[0].find(std::string("(found ").append(std::to_string(expected)).append(",")),
              std::string::npos)
        << source << ": " << result.problems[0];
  }
}

// Sanity for the 100,000-device case: a 40 KB config against 40 rules, many times over.
// No timing assertion (bench/ measures speed); this catches accidental quadratic work and
// shows the per-device cost in the test log.
TEST(Evaluate, ManyRulesOverALargeConfig) {
  std::string config = "hostname big\nntp server 10.0.0.1\nntp server 10.0.0.2\n";
  for (int i = 0; config.size() < 40000; ++i) {
    config.append("interface GigabitEthernet1/0/").append(std::to_string(i)).append("\n");
    config.append(" description access port ").append(std::to_string(i)).append("\n");
    config.append(" switchport mode access\n no ip redirects\n spanning-tree portfast\n!\n");
  }
  std::string toml;
  for (int r = 0; r < 40; ++r) {
    toml.append("[[rule]]\nname = \"r").append(std::to_string(r)).append("\"\n");
    if (r % 2 == 0) {
      toml.append("parent = \"^interface \"\nmust_match = [\"^ no ip redirects$\", \"^ spanning-tree portfast$\"]\n");
      toml.append("must_not_match = [\"^ shutdown$\"]\n");
    } else {
      toml.append("must_not_match = [\"transport input telnet\", \"^ip http server\"]\n");
      toml.append("[[rule.count]]\nmatch = \"^ntp server \"\nmin = 2\nmax = 4\n");
    }
  }
  const RuleSet set = RuleSet::parse(toml, "rules.toml");
  const auto start = std::chrono::steady_clock::now();
  constexpr int k_devices = 100;
  std::size_t passed = 0;
  for (int d = 0; d < k_devices; ++d) {
    for (const auto& result : evaluate(set, DeviceFacts{}, config)) {
      passed += result.passed ? 1 : 0;
    }
  }
  const auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  EXPECT_EQ(passed, 40U * k_devices);
  std::cout << "[ INFO     ] " << config.size() << " bytes x 40 rules: " << elapsed.count() / k_devices
            << " ms per device\n";
}

}  // namespace
}  // namespace nbsync::compliance
