// A real client nobody here wrote: Debian's Netmiko, with the driver for each of the twelve
// platforms nbsync ships a profile for, logs in (enable where the platform has it, paging
// off the driver's way) and gets the complete config.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "tests/lab_devices/lab_fixture.hpp"
#include "tests/support/process.hpp"

namespace nbsync::test {
namespace {

struct NetmikoCase {
  std::int64_t id;          // in platform_devices()
  std::string device_type;  // Netmiko's driver
  std::string command;      // that prints the config
  std::string first_line;   // what the config output starts with
  std::string more;         // the pager prompt (or the prompt), which must not be in the output
  std::string leader;       // pattern of a line before the config (IOS XR: the time), checked and dropped
  bool enable = true;       // false: the driver's enable() would become root (Linux: "sudo su")
  int config_changes = 0;   // changes the driver makes to the device's config (FortiOS paging)
};

// Config changes the lab's workers counted, once the sessions they come from have ended.
std::uint64_t config_changes(const lab::DeviceLab& lab, std::uint64_t expected) {
  std::uint64_t changes = 0;
  for (int attempt = 0; attempt < 50; ++attempt) {
    changes = 0;
    const auto stats = lab.stats();
    for (const auto& worker : stats["workers"]) {
      changes += worker["config_changes"].get<std::uint64_t>();
    }
    if (changes >= expected) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return changes;
}

void PrintTo(const NetmikoCase& c, std::ostream* os) {
  *os << c.device_type;
}

class Netmiko : public ::testing::TestWithParam<NetmikoCase> {};

TEST_P(Netmiko, DriverGetsTheCompleteConfig) {
  const auto& p = GetParam();
  lab::DeviceLab lab(test_options(), platform_devices());
  const auto result =
      run_process({"/usr/bin/python3", std::string(NBSYNC_SOURCE_DIR) + "/tests/lab_devices/netmiko_show_run.py",
                   address_text(test_address(p.id)), std::to_string(lab.ssh_port()), k_user, k_password,
                   p.enable ? k_enable : "", p.device_type, p.command},
                  std::chrono::seconds(120));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto out = unix_lines(result.out);
  out.erase(0, out.find_first_not_of('\n'));  // PAN-OS: blank lines between the echo and the config
  while (out.ends_with("\n\n")) {
    out.pop_back();
  }
  if (!p.leader.empty()) {
    const auto end = out.find('\n');
    EXPECT_TRUE(std::regex_match(out.substr(0, end), std::regex(p.leader))) << out.substr(0, 80);
    out.erase(0, end + 1);
  }
  EXPECT_EQ(out.rfind(p.first_line, 0), 0U) << out.substr(0, 200);
  auto expected = lab.current_config(p.id);
  expected.output.erase(0, expected.output.find_first_not_of('\n'));  // NX-OS: a blank line first, stripped above
  while (expected.output.ends_with("\n\n")) {
    expected.output.pop_back();
  }
  // Netmiko strips the command echo, the trailing prompt and blank line; the config must be
  // all there, apart from the lines that change on every read.
  EXPECT_EQ(without_volatile(out, expected.volatile_prefixes),
            without_volatile(expected.output, expected.volatile_prefixes));
  EXPECT_EQ(out.find(p.more), std::string::npos);
  const auto expected_changes = static_cast<std::uint64_t>(p.config_changes);
  EXPECT_EQ(config_changes(lab, expected_changes), expected_changes);
}

std::string case_name(const ::testing::TestParamInfo<NetmikoCase>& info) {
  std::string name;
  for (const char c : info.param.device_type) {
    if (c != '_') {
      name.push_back(c);
    }
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Drivers, Netmiko,
    ::testing::Values(
        NetmikoCase{1, "cisco_ios", "show running-config",
                    "Building configuration...\n\nCurrent "
                    "configuration : ",
                    "--More--", ""},
        NetmikoCase{2, "cisco_nxos", "show running-config", "!Command: show running-config\n", "--More--", ""},
        NetmikoCase{3, "arista_eos", "show running-config", "! Command: show running-config\n", "--More--", ""},
        NetmikoCase{4, "juniper_junos", "show configuration", "## Last commit: ", "---(more", ""},
        NetmikoCase{6, "cisco_asa", "show running-config", ": Saved\n", "<--- More --->", ""},
        NetmikoCase{7, "cisco_xr", "show running-config", "Building configuration...\n!! IOS XR Configuration ",
                    "--More--", R"(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d\.\d{3} UTC)"},
        NetmikoCase{9, "paloalto_panos", "show config running", "config {\n  mgt-config {\n", "--more--", ""},
        NetmikoCase{8, "huawei", "display current-configuration", "!Software Version ", "---- More ----", ""},
        NetmikoCase{11, "linux", "vtysh -c 'show running-config'",
                    "Building configuration...\n\nCurrent configuration:\n!\n", "netops@rtr-frr-01", "", false},
        NetmikoCase{12, "mikrotik_routeros", "/export", "# ", "[netops@rtr-mt-01]", ""},
        // AOS-CX has no driver in Netmiko 2.4.2: hp_procurve sends
        // AOS-CX's "no page" (README: why this one).
        NetmikoCase{10, "hp_procurve", "show running-config", "Current configuration:\n!\n!Version ArubaOS-CX ",
                    "-- MORE --", ""},
        NetmikoCase{13, "fortinet", "show full-configuration", "#config-version=FGT1HF-7.2.5-FW-build1517", "--More--",
                    "", true, 2}),
    case_name);

}  // namespace
}  // namespace nbsync::test
