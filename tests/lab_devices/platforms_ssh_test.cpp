// Logs into each simulated platform over real SSH (libssh client, loopback) and reads the
// whole config: header and end markers, the IOS byte count, paging off and on.
#include <gtest/gtest.h>

#include <regex>

#include "tests/lab_devices/lab_fixture.hpp"

namespace nbsync::test {
namespace {

struct PlatformCase {
  std::int64_t id;
  std::string login_prompt;
  std::string privileged_prompt;
  std::string enable;  // "" = none, "secret" = IOS enable with secret, "plain" = EOS enable
  std::string paging_off;
  std::string show;
  std::string first_line;  // what the config output starts with
  std::string last_line;   // the config's last non-empty line
  std::string more;        // start of the paging prompt
  std::string trailer;     // what the device prints between the config and the prompt
  std::string leader;      // pattern of a line the device prints before the config (IOS XR: the
                           // time; PAN-OS: a blank line)
  std::string logout = "exit";
};

std::vector<PlatformCase> cases() {
  return {
      {1, "rtr-ios-01>", "rtr-ios-01#", "secret", "terminal length 0", "show running-config",
       "Building configuration...", "end", " --More-- ", "\n", ""},
      {2, "sw-nxos-01# ", "sw-nxos-01# ", "", "terminal length 0", "show running-config", "", "    remote-as ",
       "--More--", "", ""},
      {3, "sw-eos-01>", "sw-eos-01#", "plain", "terminal length 0", "show running-config",
       "! Command: show running-config", "end", " --More-- ", "", ""},
      {4, "netops@fw-junos-01> ", "netops@fw-junos-01> ", "", "set cli screen-length 0", "show configuration",
       "## Last commit: ", "}", "---(more", "\n", ""},
      {6, "fw-asa-01>", "fw-asa-01#", "secret", "terminal pager 0", "show running-config", ": Saved", ": end",
       "<--- More --->", "", ""},
      {7, "RP/0/RSP0/CPU0:xr-core-01#", "RP/0/RSP0/CPU0:xr-core-01#", "", "terminal length 0", "show running-config",
       "Building configuration...", "end", " --More-- ", "\n", R"(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d\.\d{3} UTC)"},
      {9, "netops@fw-pa-01> ", "netops@fw-pa-01> ", "", "set cli pager off", "show config running", "config {", "}",
       "--more--", "\n", R"(\s*)"},
      {8, "<sw-vrp-01>", "<sw-vrp-01>", "", "screen-length 0 temporary", "display current-configuration",
       "!Software Version ", "return", "  ---- More ----", "", "", "quit"},
      {10, "sw-cx-01# ", "sw-cx-01# ", "", "no page", "show running-config", "Current configuration:",
       "https-server vrf mgmt", "-- MORE --, next page: Space, next line: Enter, quit: q", "", ""},
      // FortiOS: paging is the console's output setting, a change of the configuration.
      {13, "fw-fgt-01 # ", "fw-fgt-01 # ", "", "config system console\nset output standard\nend",
       "show full-configuration", "#config-version=", "end", "--More-- ", "", ""},
  };
}

void PrintTo(const PlatformCase& c, std::ostream* os) {
  *os << "login prompt '" << c.login_prompt << "'";
}

class PlatformOverSsh : public ::testing::TestWithParam<PlatformCase> {};

std::string login(lab::DeviceLab& lab, SshTestClient& c, const PlatformCase& p) {
  (void)lab;
  std::string out = open_shell(c, p.login_prompt);
  if (c.timed_out()) {
    throw std::runtime_error("no login prompt '" + p.login_prompt + "' in: " + out);
  }
  if (p.enable == "secret") {
    out += ios_enable(c, p.login_prompt.substr(0, p.login_prompt.size() - 1));
  } else if (p.enable == "plain") {
    c.write("enable\n");
    out += c.read_until_suffix(p.privileged_prompt, 5s);
  }
  if (c.timed_out()) {
    throw std::runtime_error("no privileged prompt '" + p.privileged_prompt + "'");
  }
  return out;
}

// The config as the device printed it: after the echoed command line (and the leader line,
// which must be there), before the prompt.
std::string between_echo_and_prompt(const std::string& text, const PlatformCase& p) {
  const auto echo = text.find(p.show + "\n");
  if (echo == std::string::npos || text.size() < p.privileged_prompt.size()) {
    return {};
  }
  auto start = echo + p.show.size() + 1;
  if (!p.leader.empty()) {
    const auto end = text.find('\n', start);
    EXPECT_TRUE(std::regex_match(text.substr(start, end - start), std::regex(p.leader))) << text.substr(start, 80);
    start = end + 1;
  }
  return text.substr(start, text.size() - p.privileged_prompt.size() - start);
}

TEST_P(PlatformOverSsh, ReadsTheWholeConfigWithPagingOff) {
  const auto& p = GetParam();
  lab::DeviceLab lab(test_options(), platform_devices());
  auto c = connect(lab, p.id);
  login(lab, *c, p);
  c->write(p.paging_off + "\n");
  c->read_until_suffix(p.privileged_prompt, 5s);
  ASSERT_FALSE(c->timed_out());
  c->write(p.show + "\n");
  const auto text = unix_lines(c->read_until_suffix("\n" + p.privileged_prompt, 15s));
  ASSERT_FALSE(c->timed_out()) << text.substr(text.size() > 300 ? text.size() - 300 : 0);
  EXPECT_EQ(text.find(p.more), std::string::npos);
  const auto config = between_echo_and_prompt(text, p);
  if (!p.first_line.empty()) {
    EXPECT_EQ(config.rfind(p.first_line, 0), 0U) << config.substr(0, 200);
  }
  const auto expected = lab.current_config(p.id);
  EXPECT_EQ(without_volatile(config, expected.volatile_prefixes),
            without_volatile(expected.output + p.trailer, expected.volatile_prefixes));
  EXPECT_GT(config.size(), 3000U);
  // The last line of the config proper.
  std::string trimmed = config;
  while (!trimmed.empty() && trimmed.back() == '\n') {
    trimmed.pop_back();
  }
  const auto last = trimmed.substr(trimmed.rfind('\n') + 1);
  EXPECT_EQ(last.rfind(p.last_line, 0), 0U) << last;
  if (p.id == 1) {
    // "Current configuration : N bytes" counts the body: "!" ... "end\n".
    const auto header = config.find("Current configuration : ");
    ASSERT_NE(header, std::string::npos);
    const auto header_end = config.find('\n', header);
    const auto bytes = std::stoul(config.substr(header + 24));
    const auto body = config.substr(header_end + 1, config.size() - p.trailer.size() - header_end - 1);
    EXPECT_EQ(bytes, body.size());
    EXPECT_TRUE(body.ends_with("\nend\n"));
  }
  c->write(p.logout + "\n");
  c->read_for(300ms);
  EXPECT_TRUE(c->closed());
}

// How each platform erases its pager prompt of `length` characters once a key is pressed.
std::string pager_erase(const std::string& more, std::size_t length) {
  if (more.starts_with(" --More-- ")) {  // IOS, EOS, IOS XR: backspaces (FortiOS's "--More-- " is erased by \r)
    return std::string(length, '\b') + std::string(length, ' ') + std::string(length, '\b');
  }
  if (more == "  ---- More ----") {  // VRP: the cursor 42 columns left, blanks, left again
    return "\x1b[42D" + std::string(42, ' ') + "\x1b[42D";
  }
  return "\r" + std::string(length, ' ') + "\r";
}

TEST_P(PlatformOverSsh, PagesWithItsMorePromptUntilPagingIsOff) {
  const auto& p = GetParam();
  lab::DeviceLab lab(test_options(), platform_devices());
  auto c = connect(lab, p.id);
  login(lab, *c, p);
  c->write(p.show + "\n");
  std::string text;
  int pages = 0;
  for (; pages < 20000; ++pages) {
    const auto chunk = c->read_until(
        [&](const std::string& s) {
          return s.ends_with(p.more) || s.ends_with(")---") || s.ends_with("--More--") ||
                 s.ends_with("\n" + p.privileged_prompt) || s.ends_with("\r\n" + p.privileged_prompt);
        },
        5s);
    ASSERT_FALSE(c->timed_out()) << "page " << pages << ": "
                                 << chunk.substr(chunk.size() > 200 ? chunk.size() - 200 : 0);
    text += chunk;
    if (!(chunk.ends_with(p.more) || chunk.ends_with(")---") || chunk.ends_with("--More--"))) {
      break;
    }
    c->write(" ");
  }
  EXPECT_GT(pages, 2);
  // Remove the pager prompts and the sequences that erase them.
  std::string clean;
  std::size_t i = 0;
  const auto u = unix_lines(text);
  while (i < u.size()) {
    const auto at = u.find(p.more, i);
    if (at == std::string::npos) {
      clean.append(u, i, std::string::npos);
      break;
    }
    clean.append(u, i, at - i);
    auto end = at + p.more.size();
    if (p.more == "---(more") {
      end = u.find(")---", at) + 4;
    }
    const std::string erase = pager_erase(p.more, end - at);
    ASSERT_EQ(u.compare(end, erase.size(), erase), 0) << "pager prompt not erased the platform's way";
    i = end + erase.size();
  }
  const auto config = between_echo_and_prompt(clean, p);
  const auto expected = lab.current_config(p.id);
  EXPECT_EQ(without_volatile(config, expected.volatile_prefixes),
            without_volatile(expected.output + p.trailer, expected.volatile_prefixes));
}

std::string case_name(const ::testing::TestParamInfo<PlatformCase>& param_info) {
  static const std::vector<std::string> k_names = {
      "",           "CiscoIos", "CiscoNxos",        "AristaEos",      "JuniperJunos",
      "",           "CiscoAsa", "CiscoIosXr",       "HuaweiVrp",      "PaloaltoPanos",
      "ArubaAoscx", "LinuxFrr", "MikrotikRouteros", "FortinetFortios"};
  return k_names[static_cast<std::size_t>(param_info.param.id)];
}

INSTANTIATE_TEST_SUITE_P(Platforms, PlatformOverSsh, ::testing::ValuesIn(cases()), case_name);

TEST(ExecOverSsh, IosRunsShowRunningConfigAsAnExecRequest) {
  lab::DeviceLab lab(test_options(), platform_devices());
  auto c = connect(lab, 1);
  ASSERT_TRUE(c->password(k_user, k_password));
  ASSERT_TRUE(c->start_exec("show running-config"));
  const auto out = c->read_until([](const std::string&) { return false; }, 10s);
  EXPECT_TRUE(c->closed());
  EXPECT_EQ(out.rfind("Building configuration...\n\nCurrent configuration : ", 0), 0U);
  EXPECT_TRUE(out.ends_with("\nend\n\n"));
  EXPECT_EQ(out.find('\r'), std::string::npos);  // no pty: plain "\n"
  EXPECT_EQ(c->exit_status(), 0);
}

TEST(ExecOverSsh, EosRunsExecAndNxosRefusesIt) {
  lab::DeviceLab lab(test_options(), platform_devices());
  {
    auto c = connect(lab, 3);
    ASSERT_TRUE(c->password(k_user, k_password));
    ASSERT_TRUE(c->start_exec("show running-config"));
    const auto out = c->read_until([](const std::string&) { return false; }, 10s);
    EXPECT_EQ(out.rfind("! Command: show running-config\n", 0), 0U);
    EXPECT_TRUE(out.ends_with("\nend\n"));
  }
  {
    auto c = connect(lab, 2);
    ASSERT_TRUE(c->password(k_user, k_password));
    EXPECT_FALSE(c->start_exec("show running-config"));
  }
}

TEST(ExecOverSsh, LinuxRunsVtyshAsAnExecRequestButRefusesToCatFrrConf) {
  lab::DeviceLab lab(test_options(), platform_devices());
  {
    auto c = connect(lab, 11);
    ASSERT_TRUE(c->password(k_user, k_password));
    ASSERT_TRUE(c->start_exec("vtysh -c 'show running-config'"));
    const auto out = c->read_until([](const std::string&) { return false; }, 10s);
    EXPECT_TRUE(c->closed());
    EXPECT_EQ(out.rfind("Building configuration...\n\nCurrent configuration:\n!\nfrr version ", 0), 0U)
        << out.substr(0, 200);
    EXPECT_TRUE(out.ends_with("\nline vty\n!\nend\n"));
    EXPECT_EQ(out, lab.current_config(11).output);  // FRR has no line that moves between reads
    EXPECT_EQ(c->exit_status(), 0);
  }
  {
    // /etc/frr/frr.conf is frr:frr 0640 and the backup user is only in frrvty.
    auto c = connect(lab, 11);
    ASSERT_TRUE(c->password(k_user, k_password));
    ASSERT_TRUE(c->start_exec("cat /etc/frr/frr.conf"));
    const auto out = c->read_until([](const std::string&) { return false; }, 10s);
    EXPECT_EQ(out, "cat: /etc/frr/frr.conf: Permission denied\n");
    EXPECT_EQ(c->exit_status(), 1);
  }
}

TEST(LinuxShell, ReadsTheRunningConfigThroughVtyshWithoutPaging) {
  lab::DeviceLab lab(test_options(), platform_devices());
  auto c = connect(lab, 11);
  const auto motd = unix_lines(open_shell(*c, "netops@rtr-frr-01:~$ "));
  ASSERT_FALSE(c->timed_out()) << motd;
  EXPECT_NE(motd.find("Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY"), std::string::npos);
  c->write("vtysh -c 'show running-config'\n");
  const auto text = unix_lines(c->read_until_suffix("\nnetops@rtr-frr-01:~$ ", 15s));
  ASSERT_FALSE(c->timed_out());
  PlatformCase linux_shell{};
  linux_shell.show = "vtysh -c 'show running-config'";
  linux_shell.privileged_prompt = "netops@rtr-frr-01:~$ ";
  const auto config = between_echo_and_prompt(text, linux_shell);
  EXPECT_GT(config.size(), 3000U);
  EXPECT_EQ(config, lab.current_config(11).output);
  c->write("show running-config\n");
  EXPECT_NE(unix_lines(c->read_until_suffix("netops@rtr-frr-01:~$ ", 5s)).find("-bash: show: command not found\n"),
            std::string::npos);
  c->write("exit\n");
  EXPECT_NE(unix_lines(c->read_for(300ms)).find("logout\n"), std::string::npos);
  EXPECT_TRUE(c->closed());
}

TEST(ExecOverSsh, RouterosExportsAsAnExecRequest) {
  lab::DeviceLab lab(test_options(), platform_devices());
  auto c = connect(lab, 12);
  ASSERT_TRUE(c->password(k_user, k_password));
  ASSERT_TRUE(c->start_exec("/export"));
  const auto out = c->read_until([](const std::string&) { return false; }, 10s);
  EXPECT_TRUE(c->closed());
  const auto expected = lab.current_config(12);
  EXPECT_EQ(without_volatile(out, expected.volatile_prefixes),
            without_volatile(expected.output, expected.volatile_prefixes));
  EXPECT_NE(out.find("\n/system identity\nset name=rtr-mt-01\n"), std::string::npos);
  EXPECT_EQ(c->exit_status(), 0);
}

TEST(RouterosShell, AcceptsConsoleOptionsAfterThePlusInTheUserName) {
  lab::DeviceLab lab(test_options(), platform_devices());
  {
    auto c = connect(lab, 12);
    ASSERT_TRUE(c->password(std::string(k_user) + "+cetw511h4098", k_password));  // Netmiko 2.4.2's
    c->open_shell(true);
    const auto logo = c->read_until_suffix("[netops@rtr-mt-01] > \r[netops@rtr-mt-01] > ", 5s);
    ASSERT_FALSE(c->timed_out()) << logo;
    c->write("/export\r\n");
    const auto text = unix_lines(c->read_until_suffix("\n[netops@rtr-mt-01] > \r[netops@rtr-mt-01] > ", 15s));
    ASSERT_FALSE(c->timed_out());
    const std::string echo = "/export\r[netops@rtr-mt-01] > /export\n\n";
    ASSERT_EQ(text.rfind(echo, 0), 0U) << text.substr(0, 200);
    const auto config = text.substr(echo.size(), text.rfind('\n') + 1 - echo.size());
    const auto expected = lab.current_config(12);
    EXPECT_EQ(without_volatile(config, expected.volatile_prefixes),
              without_volatile(expected.output, expected.volatile_prefixes));
  }
  {
    // Only the options are free: the user before the "+" must be the right one.
    auto c = connect(lab, 12);
    EXPECT_FALSE(c->password("admin+ct", k_password));
  }
  {
    // Other platforms take a "+" as part of the name.
    auto c = connect(lab, 11);
    EXPECT_FALSE(c->password(std::string(k_user) + "+ct", k_password));
  }
}

TEST(GenericShell, UnknownPlatformsGetALinuxLikeShell) {
  lab::DeviceLab lab(test_options(), platform_devices());
  auto c = connect(lab, 5);
  open_shell(*c, "netops@console-01:~$ ");
  ASSERT_FALSE(c->timed_out());
  c->write("show running-config\n");
  EXPECT_NE(unix_lines(c->read_until_suffix("netops@console-01:~$ ", 5s)).find("-sh: show: not found\n"),
            std::string::npos);
}

}  // namespace
}  // namespace nbsync::test
