// systemd/compliance.example.toml loads, and its rules pass a compliant config and catch
// the faults they describe.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "compliance/evaluator.hpp"

namespace nbsync::compliance {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const RuleSet& example() {
  static const RuleSet set =
      RuleSet::load(std::filesystem::path(NBSYNC_SOURCE_DIR) / "systemd/compliance.example.toml");
  return set;
}

std::map<std::string, RuleResult> by_rule(const DeviceFacts& device, std::string_view config) {
  std::map<std::string, RuleResult> out;
  for (auto& result : evaluate(example(), device, config)) {
    out[result.rule] = result;
  }
  return out;
}

constexpr std::string_view k_good_ios = R"(hostname acc-1
logging host 10.9.9.9
ip ssh version 2
ntp server 10.0.0.1
ntp server 10.0.0.2
!
interface GigabitEthernet1/0/1
 switchport mode access
 no ip redirects
 spanning-tree portfast
!
interface GigabitEthernet1/0/48
 switchport mode trunk
!
line con 0
line vty 0 4
 transport input ssh
line vty 5 15
 transport input ssh
!
end
)";

TEST(ExampleRules, LoadAndCoverThePlatforms) {
  EXPECT_GE(example().rules().size(), 4U);
  EXPECT_LE(example().rules().size(), 6U);
  const auto ios = by_rule({"cisco-ios", "access", "ams1", {}}, k_good_ios);
  EXPECT_EQ(ios.size(), 5U);
  for (const auto& [name, result] : ios) {
    EXPECT_TRUE(result.passed) << name << ": " << ::testing::PrintToString(result.problems);
  }
}

TEST(ExampleRules, CatchIosFaults) {
  std::string config(k_good_ios);
  config.replace(config.find("ntp server 10.0.0.2\n"), 20, "");
  config.replace(config.find("logging host"), 7, "logging buffered");
  config.replace(config.find(" transport input ssh\n!"), 20, " transport input telnet ssh");
  config.replace(config.find(" no ip redirects\n"), 17, "");
  const auto results = by_rule({"cisco-ios", "access", "ams1", {}}, config);
  EXPECT_FALSE(results.at("ntp-servers").passed);
  EXPECT_FALSE(results.at("logging-host").passed);
  EXPECT_THAT(results.at("vty-ssh-only").problems,
              ElementsAre(HasSubstr("must not match \"transport input .*telnet\" (section \"line vty 5 15\")"),
                          HasSubstr("missing a line matching")));
  EXPECT_THAT(results.at("access-port-hardening").problems,
              ElementsAre(HasSubstr("\"^ no ip redirects$\" (section \"interface GigabitEthernet1/0/1\"")));
  EXPECT_TRUE(results.at("ssh-version-2").passed);
  EXPECT_EQ(by_rule({"cisco-ios", "core", "ams1", {}}, config).count("access-port-hardening"), 0U)
      << "only access switches";
}

TEST(ExampleRules, JunosServices) {
  const std::string good = R"(system {
    host-name core-1;
    services {
        ssh {
            protocol-version v2;
        }
        netconf {
            ssh;
        }
    }
}
)";
  const auto pass = by_rule({"juniper-junos", "core", "ams1", {}}, good);
  ASSERT_EQ(pass.size(), 1U);
  EXPECT_TRUE(pass.at("junos-no-telnet").passed) << ::testing::PrintToString(pass.at("junos-no-telnet").problems);
  std::string bad = good;
  bad.insert(bad.find("    }\n}"), "        telnet;\n");
  EXPECT_THAT(by_rule({"juniper-junos", "core", "ams1", {}}, bad).at("junos-no-telnet").problems,
              ElementsAre("line 10: \"telnet;\" must not match \"^\\s+telnet( \\{|;)$\" (section \"services\")"));
  EXPECT_THAT(
      by_rule({"juniper-junos", "core", "ams1", {}}, "system {\n    host-name x;\n}\n").at("junos-no-telnet").problems,
      ElementsAre(HasSubstr("no section matches")));
}

}  // namespace
}  // namespace nbsync::compliance
