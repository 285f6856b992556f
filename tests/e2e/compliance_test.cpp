// Compliance end to end: rules checked by real cycles against the lab, stored per version,
// pushed to NetBox's nbsync_compliance field, and reported by `nbsync compliance`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/e2e/cycle_fixture.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;

// IOS devices of the lab carry SNMP communities (masked); nothing carries the made-up line.
// Every device names itself: `hostname` (FortiOS `set hostname`), Huawei `sysname`,
// RouterOS `/system identity` `set name=`.
const std::string k_rules = R"(
[[rule]]
name = "no-snmp-community"
severity = "error"
platforms = ["cisco-ios"]
must_not_match = ["^snmp-server community "]

[[rule]]
name = "has-hostname"
severity = "warning"
must_match = ["^ *(set )?host-?name |^sysname |^set name="]

[[rule]]
name = "banner-motd"
severity = "warning"
platforms = ["arista-eos"]
must_match = ["^this line is in no config$"]
)";

using Compliance = CycleFixture;

TEST_F(Compliance, CyclesStoreResultsNetboxShowsThemAndTheCommandReports) {
  start_lab(40, 41);
  dir.write("rules.toml", k_rules);
  write_config("", "", "\n[compliance]\nrules = \"rules.toml\"\n");
  const auto setup = nbsync({"netbox-setup"});
  ASSERT_EQ(setup.exit_code, 0) << setup.err;
  ASSERT_EQ(run_nbsync().exit_code, 0);
  ASSERT_EQ(summary["notify"]["waiting"], 0) << summary.dump();
  const auto ios = reachable_on("cisco-ios");
  const auto eos = reachable_on("arista-eos");
  ASSERT_FALSE(ios.empty());
  ASSERT_FALSE(eos.empty()) << "the lab of this seed has EOS devices: the banner rule is checked on one";

  // Stored per snapshot, and each device's state names its failed rules.
  EXPECT_EQ(count("SELECT count(DISTINCT snapshot_id) FROM compliance_results"), static_cast<int>(reachable.size()));
  EXPECT_EQ(count("SELECT count(*) FROM compliance_results WHERE rule = 'has-hostname' AND passed = 0"), 0);
  const auto device = lab->get("/api/dcim/devices/" + std::to_string(ios[0]) + "/");
  const auto fields = device.body["custom_fields"];
  EXPECT_EQ(fields["nbsync_compliance"], "fail: no-snmp-community") << fields.dump();
  const auto eos_device = lab->get("/api/dcim/devices/" + std::to_string(eos[0]) + "/").body;
  EXPECT_EQ(eos_device["custom_fields"]["nbsync_compliance"], "fail: banner-motd");

  // The command: exit 1 (an error rule fails), failing since the first cycle, JUnit for CI.
  const auto report = nbsync({"compliance", "--json", "--junit", (dir / "junit.xml").string()});
  EXPECT_EQ(report.exit_code, 1) << report.err;
  const auto parsed = json::parse(report.out);
  ASSERT_EQ(parsed["devices"].size(), reachable.size());
  int failing_ios = 0;
  for (const auto& entry : parsed["devices"]) {
    if (!entry["passed"].get<bool>()) {
      EXPECT_TRUE(entry["failing_since"].is_string()) << entry.dump();
    }
    for (const auto& result : entry["results"]) {
      if (result["rule"] == "no-snmp-community" && !result["passed"].get<bool>()) {
        ++failing_ios;
        EXPECT_THAT(result["problems"][0].get<std::string>(), HasSubstr("must not match"));
      }
    }
  }
  EXPECT_EQ(failing_ios, static_cast<int>(ios.size()));
  std::ifstream junit_file(dir / "junit.xml");
  std::stringstream junit;
  junit << junit_file.rdbuf();
  EXPECT_THAT(junit.str(), HasSubstr("<testsuites"));
  EXPECT_THAT(junit.str(), HasSubstr("nbsync.compliance.no-snmp-community"));
  const auto xml_check =
      run_process({"/usr/bin/python3", "-c", "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])",
                   (dir / "junit.xml").string()});
  EXPECT_EQ(xml_check.exit_code, 0) << xml_check.err;

  // Text: a table per failing device and one per rule; filters narrow it.
  const auto text = nbsync({"compliance", "--platform", "cisco-ios"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_THAT(text.out, HasSubstr("no-snmp-community"));
  EXPECT_THAT(text.out, HasSubstr(std::to_string(ios.size()) + " devices checked"));

  // Only warnings fail: exit 0.
  dir.write("warnings.toml", "[[rule]]\nname = \"w\"\nseverity = \"warning\"\nmust_match = [\"^never here$\"]\n");
  const auto warnings = nbsync({"compliance", "-r", (dir / "warnings.toml").string()});
  EXPECT_EQ(warnings.exit_code, 0) << warnings.err;
  EXPECT_THAT(warnings.out, HasSubstr("FAIL"));
}

TEST_F(Compliance, BadRulesAreOneLineNamingFileAndLine) {
  start_lab(5, 2);
  write_config();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  dir.write("bad.toml", "[[rule]]\nname = \"x\"\nmust_match = [\"(unclosed\"]\n");
  const auto bad = nbsync({"compliance", "-r", (dir / "bad.toml").string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("bad.toml:3"));
  const auto none = nbsync({"compliance"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("no compliance rules"));
  // A config naming a bad rules file is refused before any cycle.
  write_config("", "", "\n[compliance]\nrules = \"bad.toml\"\n");
  const auto cycle = run_nbsync();
  EXPECT_EQ(cycle.exit_code, 2);
  EXPECT_THAT(cycle.err, HasSubstr("compliance.rules"));
}

}  // namespace
}  // namespace nbsync::test
