// A real client nobody here wrote: Debian's Netmiko, with the driver for each simulated
// platform, logs in (enable where the platform has it, paging off the driver's way) and
// gets the complete config.
#include <gtest/gtest.h>

#include "tests/lab_devices/lab_fixture.hpp"
#include "tests/support/process.hpp"

namespace nbsync::test {
namespace {

struct NetmikoCase {
  std::int64_t id;          // in platform_devices()
  std::string device_type;  // Netmiko's driver
  std::string command;      // that prints the config
  std::string first_line;   // what the config output starts with
  std::string more;         // the pager prompt, which must not be in the output
};

void PrintTo(const NetmikoCase& c, std::ostream* os) {
  *os << c.device_type;
}

class Netmiko : public ::testing::TestWithParam<NetmikoCase> {};

TEST_P(Netmiko, DriverGetsTheCompleteConfig) {
  const auto& p = GetParam();
  lab::DeviceLab lab(test_options(), platform_devices());
  const auto result =
      run_process({"/usr/bin/python3", std::string(NBSYNC_SOURCE_DIR) + "/tests/lab_devices/netmiko_show_run.py",
                   address_text(test_address(p.id)), std::to_string(lab.ssh_port()), k_user, k_password, k_enable,
                   p.device_type, p.command},
                  std::chrono::seconds(120));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto out = unix_lines(result.out);
  while (out.ends_with("\n\n")) {
    out.pop_back();
  }
  EXPECT_EQ(out.rfind(p.first_line, 0), 0U) << out.substr(0, 200);
  auto expected = lab.current_config(p.id);
  while (expected.output.ends_with("\n\n")) {
    expected.output.pop_back();
  }
  // Netmiko strips the command echo, the trailing prompt and blank line; the config must be
  // all there, apart from the lines that change on every read.
  EXPECT_EQ(without_volatile(out, expected.volatile_prefixes),
            without_volatile(expected.output, expected.volatile_prefixes));
  EXPECT_EQ(out.find(p.more), std::string::npos);
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
    ::testing::Values(NetmikoCase{1, "cisco_ios", "show running-config",
                                  "Building configuration...\n\nCurrent "
                                  "configuration : ",
                                  "--More--"},
                      NetmikoCase{6, "cisco_asa", "show running-config", ": Saved\n", "<--- More --->"},
                      NetmikoCase{8, "huawei", "display current-configuration", "!Software Version ", "---- More ----"},
                      // AOS-CX has no driver in Netmiko 2.4.2: hp_procurve sends
                      // AOS-CX's "no page" (README: why this one).
                      NetmikoCase{10, "hp_procurve", "show running-config",
                                  "Current configuration:\n!\n!Version ArubaOS-CX ", "-- MORE --"}),
    case_name);

}  // namespace
}  // namespace nbsync::test
