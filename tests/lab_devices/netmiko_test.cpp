// A real client nobody here wrote: Debian's Netmiko (cisco_ios driver) logs into a lab IOS
// device, enables, and gets the complete running-config.
#include <gtest/gtest.h>

#include "tests/lab_devices/lab_fixture.hpp"
#include "tests/support/process.hpp"

namespace nbsync::test {
namespace {

TEST(Netmiko, CiscoIosDriverGetsTheCompleteRunningConfig) {
  lab::DeviceLab lab(test_options(), platform_devices());
  const auto result =
      run_process({"/usr/bin/python3", std::string(NBSYNC_SOURCE_DIR) + "/tests/lab_devices/netmiko_show_run.py",
                   address_text(test_address(1)), std::to_string(lab.ssh_port()), k_user, k_password, k_enable},
                  std::chrono::seconds(90));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto out = unix_lines(result.out);
  while (out.ends_with("\n\n")) {
    out.pop_back();
  }
  EXPECT_EQ(out.rfind("Building configuration...\n\nCurrent configuration : ", 0), 0U) << out.substr(0, 200);
  auto expected = lab.current_config(1);
  while (expected.output.ends_with("\n\n")) {
    expected.output.pop_back();
  }
  // Netmiko strips the trailing prompt and blank line; the config must be all there.
  EXPECT_EQ(without_volatile(out, expected.volatile_prefixes),
            without_volatile(expected.output, expected.volatile_prefixes));
  EXPECT_EQ(out.find("--More--"), std::string::npos);
}

}  // namespace
}  // namespace nbsync::test
