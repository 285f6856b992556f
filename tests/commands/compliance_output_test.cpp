#include "commands/compliance_output.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nbsync::commands {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const compliance::RuleSet& rules() {
  static const compliance::RuleSet set = compliance::RuleSet::parse(R"(
[[rule]]
name = "vty-ssh-only"
description = "VTY lines accept SSH only"
must_not_match = ["transport input .*telnet"]
[[rule]]
name = "ntp-servers"
severity = "warning"
[[rule.count]]
match = "^ntp server "
min = 2
[[rule]]
name = "junos-only"
platforms = ["juniper-junos"]
must_match = ["x"]
)",
                                                                    "rules.toml");
  return set;
}

compliance::RuleResult result(std::string rule, compliance::Severity severity, std::vector<std::string> problems) {
  const bool passed = problems.empty();
  return {std::move(rule), severity, passed, std::move(problems)};
}

std::vector<DeviceCompliance> fleet() {
  using compliance::Severity;
  return {
      {"edge-1",
       {result("vty-ssh-only", Severity::error,
               {"line 32: \"transport input telnet\" must not match \"transport input .*telnet\" (section \"line vty "
                "5 15\")",
                "line 40: \"transport input telnet\" must not match \"transport input .*telnet\" (section \"line vty "
                "16 31\")"}),
        result("ntp-servers", Severity::warning, {})},
       1767225600},
      {"core-<1>&\"q\"",
       {result("vty-ssh-only", Severity::error, {}),
        result("ntp-servers", Severity::warning,
               {"too few lines matching \"^ntp server \" (found 1, need at least 2) <&>"})},
       std::nullopt},
      {"edge-2",
       {result("vty-ssh-only", Severity::error, {}), result("ntp-servers", Severity::warning, {})},
       std::nullopt},
  };
}

TEST(ComplianceOutput, RuleTotals) {
  const auto totals = rule_totals(fleet(), &rules());
  ASSERT_EQ(totals.size(), 3U);
  EXPECT_EQ(totals[0].rule, "vty-ssh-only");
  EXPECT_EQ(totals[0].checked, 3U);
  EXPECT_EQ(totals[0].failed, 1U);
  EXPECT_EQ(totals[1].severity, compliance::Severity::warning);
  EXPECT_EQ(totals[1].failed, 1U);
  EXPECT_EQ(totals[2].rule, "junos-only") << "a rule no device was in scope of still shows";
  EXPECT_EQ(totals[2].checked, 0U);
  EXPECT_EQ(rule_totals(fleet()).size(), 2U) << "without the rule set only rules with results";
}

TEST(ComplianceOutput, TextShowsFailingDevicesThenRules) {
  const std::string text = compliance_text(fleet(), false, &rules());
  EXPECT_EQ(text,
            "edge-1: 1 of 2 rules failed, failing since 2026-01-01T00:00:00Z\n"
            "RULE          SEVERITY  RESULT  PROBLEMS\n"
            "vty-ssh-only  error     FAIL    line 32: \"transport input telnet\" must not match \"transport input "
            ".*telnet\" (section \"line vty 5 15\")\n"
            "                                line 40: \"transport input telnet\" must not match \"transport input "
            ".*telnet\" (section \"line vty 16 31\")\n"
            "ntp-servers   warning   PASS\n"
            "\n"
            "core-<1>&\"q\": 1 of 2 rules failed\n"
            "RULE          SEVERITY  RESULT  PROBLEMS\n"
            "vty-ssh-only  error     PASS\n"
            "ntp-servers   warning   FAIL    too few lines matching \"^ntp server \" (found 1, need at least 2) <&>\n"
            "\n"
            "RULE          SEVERITY  DEVICES  FAILED\n"
            "vty-ssh-only  error           3       1\n"
            "ntp-servers   warning         3       1\n"
            "junos-only    error           0       0\n"
            "3 devices checked: 2 failing (1 with errors), 1 compliant\n");
  EXPECT_THAT(text, Not(HasSubstr("edge-2")));
  const std::string verbose = compliance_text(fleet(), true, &rules());
  EXPECT_THAT(verbose, HasSubstr("edge-2: all 2 rules passed\n"));
  EXPECT_THAT(compliance_text({{"lonely", {}, std::nullopt}}, true), HasSubstr("lonely: no rules apply\n"));
}

TEST(ComplianceOutput, Json) {
  const auto json = compliance_json(fleet(), &rules());
  EXPECT_EQ(json["summary"]["devices"], 3);
  EXPECT_EQ(json["summary"]["devices_failing"], 2);
  EXPECT_EQ(json["summary"]["devices_compliant"], 1);
  EXPECT_EQ(json["rules_digest"], rules().digest());
  ASSERT_EQ(json["devices"].size(), 3U);
  const auto& edge = json["devices"][0];
  EXPECT_EQ(edge["device"], "edge-1");
  EXPECT_EQ(edge["passed"], false);
  EXPECT_EQ(edge["failing_since"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(edge["failing_since_unix"], 1767225600);
  EXPECT_EQ(edge["results"][0]["rule"], "vty-ssh-only");
  EXPECT_EQ(edge["results"][0]["severity"], "error");
  EXPECT_EQ(edge["results"][0]["problems"].size(), 2U);
  EXPECT_TRUE(json["devices"][2]["failing_since"].is_null());
  ASSERT_EQ(json["rules"].size(), 3U);
  EXPECT_EQ(json["rules"][0]["description"], "VTY lines accept SSH only");
  EXPECT_EQ(json["rules"][0]["devices_checked"], 3);
  EXPECT_EQ(json["rules"][0]["devices_failed"], 1);
  EXPECT_EQ(json["rules"][0]["failed_devices"], nlohmann::json::array({"edge-1"}));
  EXPECT_EQ(json["rules"][1]["severity"], "warning");
}

TEST(ComplianceOutput, JunitIsWellFormedAndCounts) {
  const std::string xml = compliance_junit(fleet(), &rules());
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"nbsync compliance\" tests=\"6\" failures=\"2\">"));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"vty-ssh-only\" tests=\"3\" failures=\"1\">"));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"junos-only\" tests=\"0\" failures=\"0\">"));
  EXPECT_THAT(
      xml,
      HasSubstr("<testcase classname=\"nbsync.compliance.ntp-servers\" name=\"core-&lt;1&gt;&amp;&quot;q&quot;\">"));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"too few lines matching &quot;^ntp server &quot; (found 1, need at "
                             "least 2) &lt;&amp;&gt;\" type=\"warning\">"));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"nbsync.compliance.vty-ssh-only\" name=\"edge-2\"/>"));

  const auto dir = std::filesystem::temp_directory_path() / "nbsync_compliance_output_test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "junit.xml";
  auto devices = fleet();
  devices[0].device.append("\x01\xff");  // characters XML cannot carry
  write_compliance_junit(file, devices, &rules());
  std::ifstream in(file);
  std::stringstream written;
  written << in.rdbuf();
  EXPECT_THAT(written.str(), HasSubstr("name=\"edge-1??\""));
  EXPECT_FALSE(std::filesystem::exists(dir / "junit.xml.tmp"));
  const std::string command =
      "/usr/bin/python3 -c 'import xml.dom.minidom,sys; d=xml.dom.minidom.parse(sys.argv[1]); "
      "assert len(d.getElementsByTagName(\"testcase\")) == 6; assert len(d.getElementsByTagName(\"failure\")) == 2' " +
      file.string();
  EXPECT_EQ(std::system(command.c_str()), 0) << "not well-formed XML: " << written.str();

  EXPECT_THROW(write_compliance_junit(dir / "missing" / "junit.xml", devices), std::runtime_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nbsync::commands
