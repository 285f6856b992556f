#include "lab/devices/device_shell.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

namespace nbsync::lab {
namespace {

ShellOptions options(Platform platform, std::uint32_t faults = 0, bool pty = false) {
  ShellOptions o;
  o.platform = platform;
  o.hostname = "r1";
  o.user = "netops";
  o.enable_secret = "s3cret";
  o.seed = 1;
  o.id = 8;
  o.faults = faults;
  o.pty = pty;
  o.boot_time = std::time(nullptr) - 100000;
  return o;
}

// Everything the shell prints after `input` (until it stops producing output).
std::string run(DeviceShell& shell, const std::string& input) {
  shell.feed(input);
  std::string out;
  while (shell.has_output()) {
    out += shell.take_output(1 << 20);
  }
  return out;
}

std::string start(DeviceShell& shell) {
  shell.start_shell();
  return run(shell, "");
}

TEST(DeviceShell, IosNeedsEnableForTheConfigAndNamesTheBadToken) {
  DeviceShell shell(options(Platform::cisco_ios));
  EXPECT_TRUE(start(shell).ends_with("\nr1>"));
  const auto refused = run(shell, "show running-config\n");
  EXPECT_NE(refused.find("% Invalid input detected at '^' marker."), std::string::npos);
  EXPECT_NE(refused.find(std::string(3 + 5, ' ') + "^\n"), std::string::npos) << refused;  // under "running-config"
  EXPECT_EQ(run(shell, "foo\n"), "% Unknown command or computer name, or unable to find computer address\nr1>");
  EXPECT_EQ(run(shell, "enable\n"), "Password: ");
  EXPECT_EQ(run(shell, "wrong\n"), "Password: ");
  EXPECT_EQ(run(shell, "s3cret\n"), "r1#");
}

TEST(DeviceShell, IosPagesUntilTerminalLengthZero) {
  DeviceShell shell(options(Platform::cisco_ios));
  start(shell);
  run(shell, "enable\ns3cret\n");
  const auto page = run(shell, "show running-config\n");
  EXPECT_TRUE(page.ends_with(" --More-- ")) << page.substr(page.size() - 50);
  EXPECT_EQ(std::count(page.begin(), page.end(), '\n'), 23);
  const auto next = run(shell, " ");
  EXPECT_EQ(next.rfind(std::string(10, '\b') + std::string(10, ' ') + std::string(10, '\b'), 0), 0U);
  EXPECT_TRUE(next.ends_with(" --More-- "));
  EXPECT_TRUE(run(shell, "q").ends_with("r1#"));
  EXPECT_EQ(run(shell, "terminal length 0\n"), "r1#");
  const auto full = run(shell, "show running-config\n");
  EXPECT_EQ(full.find("--More--"), std::string::npos);
  EXPECT_TRUE(full.ends_with("\nend\n\nr1#"));
}

TEST(DeviceShell, AsaEnablesWithTheSecretAndPagesUntilTerminalPagerZero) {
  DeviceShell shell(options(Platform::cisco_asa));
  EXPECT_EQ(start(shell), "Type help or '?' for a list of available commands.\nr1>");
  // The config needs enable; "terminal length" is IOS, not ASA.
  EXPECT_EQ(run(shell, "show running-config\n"),
            std::string(3 + 5, ' ') + "^\nERROR: % Invalid input detected at '^' marker.\nr1>");
  EXPECT_EQ(run(shell, "terminal length 0\n"),
            std::string(3 + 9, ' ') + "^\nERROR: % Invalid input detected at '^' marker.\nr1>");
  EXPECT_EQ(run(shell, "frobnicate\n"), "   ^\nERROR: % Invalid input detected at '^' marker.\nr1>");
  EXPECT_EQ(run(shell, "enable\n"), "Password: ");
  EXPECT_EQ(run(shell, "s3cret\n"), "r1#");
  const auto page = run(shell, "show running-config\n");
  EXPECT_EQ(page.rfind(": Saved\n: Written by enable_15 at ", 0), 0U) << page.substr(0, 100);
  EXPECT_TRUE(page.ends_with("<--- More --->"));
  EXPECT_EQ(std::count(page.begin(), page.end(), '\n'), 23);
  const auto next = run(shell, " ");
  EXPECT_EQ(next.rfind("\r" + std::string(14, ' ') + "\r", 0), 0U);
  EXPECT_TRUE(run(shell, "q").ends_with("\nr1#"));
  EXPECT_EQ(run(shell, "terminal pager 0\n"), "r1#");
  const auto full = run(shell, "show running-config\n");
  EXPECT_EQ(full.find("<--- More --->"), std::string::npos);
  EXPECT_NE(full.find("\nCryptochecksum:"), std::string::npos);
  EXPECT_TRUE(full.ends_with("\n: end\nr1#"));
  EXPECT_NE(full.find("\n key *****\n"), std::string::npos) << "show running-config hides keys";
  EXPECT_EQ(run(shell, "exit\n"), "\nLogoff\n\n");
  EXPECT_EQ(shell.end(), DeviceShell::End::close);
}

TEST(DeviceShell, IosXrStampsEachShowWithTheTimeAndPagesUntilTerminalLengthZero) {
  DeviceShell shell(options(Platform::cisco_iosxr));
  const std::string prompt = "RP/0/RSP0/CPU0:r1#";
  EXPECT_EQ(start(shell), "\n" + prompt);
  EXPECT_EQ(run(shell, "frobnicate\n"),
            std::string(prompt.size(), ' ') + "^\n% Invalid input detected at '^' marker.\n" + prompt);
  EXPECT_EQ(run(shell, "show frob\n"),
            std::string(prompt.size() + 5, ' ') + "^\n% Invalid input detected at '^' marker.\n" + prompt);
  EXPECT_EQ(run(shell, "enable\n").find("% Invalid input"), prompt.size() + 2) << "IOS XR has no enable";
  const std::regex stamp(R"(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d\.\d{3} UTC\n)");
  const auto page = run(shell, "show running-config\n");
  EXPECT_TRUE(std::regex_search(page.substr(0, page.find('\n') + 1), stamp)) << page.substr(0, 60);
  EXPECT_NE(page.find("\nBuilding configuration...\n!! IOS XR Configuration 7.5.2\n!! Last configuration change at "),
            std::string::npos);
  EXPECT_TRUE(page.ends_with(" --More-- "));
  EXPECT_EQ(std::count(page.begin(), page.end(), '\n'), 24) << "the time, then 23 lines of config";
  EXPECT_EQ(run(shell, " ").rfind(std::string(10, '\b') + std::string(10, ' ') + std::string(10, '\b'), 0), 0U);
  EXPECT_TRUE(run(shell, "q").ends_with(prompt));
  EXPECT_EQ(run(shell, "terminal width 513\n").find("% Invalid input"), prompt.size() + 17);
  EXPECT_EQ(run(shell, "terminal width 0\n"), prompt);
  EXPECT_EQ(run(shell, "terminal length 0\n"), prompt);
  EXPECT_EQ(run(shell, "terminal exec prompt no-timestamp\n"), prompt);
  const auto full = run(shell, "show running-config\n");
  EXPECT_EQ(full.rfind("Building configuration...\n", 0), 0U) << full.substr(0, 60);
  EXPECT_EQ(full.find("--More--"), std::string::npos);
  EXPECT_NE(full.find("\nusername admin\n group root-lr\n group cisco-support\n secret 10 $6$"), std::string::npos);
  EXPECT_TRUE(full.ends_with("\nend\n\n" + prompt));
  run(shell, "exit\n");
  EXPECT_EQ(shell.end(), DeviceShell::End::close);
}

TEST(DeviceShell, PanosPrintsTheBraceFormatAndPagesUntilSetCliPagerOff) {
  DeviceShell shell(options(Platform::paloalto_panos));
  const std::string prompt = "netops@r1> ";
  EXPECT_TRUE(start(shell).ends_with("login: 0\n\n\n" + prompt));
  EXPECT_EQ(run(shell, "Frobnicate now\n"), "Unknown command: Frobnicate\n" + prompt);
  EXPECT_EQ(run(shell, "enable\n"), "Unknown command: enable\n" + prompt) << "PAN-OS has no enable";
  EXPECT_EQ(run(shell, "show frob\n"), "Invalid syntax.\n" + prompt);
  EXPECT_EQ(run(shell, "set cli pager maybe\n"), "Invalid syntax.\n" + prompt);
  EXPECT_EQ(run(shell, "set cli scripting-mode on\n"), prompt);
  EXPECT_EQ(run(shell, "set cli config-output-format set\n"), prompt);
  const auto page = run(shell, "show config running\n");
  EXPECT_EQ(page.rfind("\nconfig {\n  mgt-config {\n    users {\n      admin {\n        phash $5$", 0), 0U)
      << "the default format, whatever config-output-format says: " << page.substr(0, 80);
  EXPECT_TRUE(page.ends_with("--more--"));
  EXPECT_EQ(std::count(page.begin(), page.end(), '\n'), 24) << "a blank line, then 23 lines of config";
  EXPECT_EQ(run(shell, " ").rfind("\r" + std::string(8, ' ') + "\r", 0), 0U);
  EXPECT_TRUE(run(shell, "q").ends_with(prompt));
  EXPECT_EQ(run(shell, "set cli pager off\n"), prompt);
  const auto full = run(shell, "show config running\n");
  EXPECT_EQ(full.find("--more--"), std::string::npos);
  EXPECT_NE(full.find("\n                  key -AQ=="), std::string::npos);
  EXPECT_TRUE(full.ends_with("\n      }\n    }\n  }\n}\n\n" + prompt));
  run(shell, "exit\n");
  EXPECT_EQ(shell.end(), DeviceShell::End::close);
}

TEST(DeviceShell, HuaweiVrpHasNoEnableTurnsPagingOffForTheSessionAndNamesTheBadPosition) {
  DeviceShell shell(options(Platform::huawei_vrp));
  const auto login = start(shell);
  EXPECT_EQ(login.rfind("\nInfo: The max number of VTY users is 10, and the number\n", 0), 0U) << login;
  EXPECT_TRUE(login.ends_with(".\n<r1>")) << login;
  const std::string unrecognized = "^\nError: Unrecognized command found at '^' position.\n<r1>";
  EXPECT_EQ(run(shell, "frobnicate\n"), std::string(4, ' ') + unrecognized);
  EXPECT_EQ(run(shell, "terminal length 0\n"), std::string(4, ' ') + unrecognized) << "a Cisco command";
  EXPECT_EQ(run(shell, "display\n"),
            std::string(4 + 7, ' ') + "^\nError: Incomplete command found at '^' position.\n<r1>");
  EXPECT_EQ(run(shell, "screen-length x temporary\n"),
            std::string(4 + 14, ' ') + "^\nError: Wrong parameter found at '^' position.\n<r1>");
  const auto page = run(shell, "display current-configuration\n");
  EXPECT_EQ(page.rfind("!Software Version V200R019C10SPC500\n!Last configuration was updated at ", 0), 0U);
  EXPECT_TRUE(page.ends_with("\n  ---- More ----"));
  EXPECT_EQ(std::count(page.begin(), page.end(), '\n'), 23);
  const std::string left = "\x1b[42D";
  const auto next = run(shell, " ");
  EXPECT_EQ(next.rfind(left + std::string(42, ' ') + left, 0), 0U);
  EXPECT_TRUE(run(shell, "q").ends_with("\n<r1>"));
  EXPECT_EQ(run(shell, "screen-length 0 temporary\n"),
            "Info: The configuration takes effect on the current user terminal interface only.\n<r1>");
  const auto full = run(shell, "dis cur\n");
  EXPECT_EQ(full.find("---- More ----"), std::string::npos);
  EXPECT_TRUE(full.ends_with("\n#\nreturn\n<r1>"));
  EXPECT_NE(full.find("\n local-user netops password irreversible-cipher $1a$"), std::string::npos);
  EXPECT_NE(full.find("\nsnmp-agent community read cipher %^%#"), std::string::npos);
  // A user below level 3 does not have the keyword at all.
  shell.set_privileged(false);
  EXPECT_EQ(run(shell, "display current-configuration\n"), std::string(4 + 8, ' ') + unrecognized);
  EXPECT_EQ(run(shell, "quit\n"), "");
  EXPECT_EQ(shell.end(), DeviceShell::End::close);
}

TEST(DeviceShell, LinuxReadsTheRunningConfigThroughVtyshAndCannotReadFrrConf) {
  DeviceShell shell(options(Platform::linux_frr));
  const auto motd = start(shell);
  EXPECT_EQ(motd.rfind("Linux r1 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian ", 0), 0U) << motd;
  EXPECT_TRUE(motd.ends_with("\nLast login: Mon Nov 23 21:14:02 2026 from 10.0.0.10\nnetops@r1:~$ "));
  // No pager: the whole config at once, whatever the terminal's height.
  const auto config = run(shell, "vtysh -c 'show running-config'\n");
  EXPECT_EQ(config.rfind("Building configuration...\n\nCurrent configuration:\n!\nfrr version 8.4.4\n", 0), 0U);
  EXPECT_TRUE(config.ends_with("\n!\nend\nnetops@r1:~$ "));
  EXPECT_NE(config.find("\n neighbor 203.0.113.1 password "), std::string::npos) << "FRR keys are clear text";
  EXPECT_EQ(run(shell, "vtysh -c \"show run\"\n"), config);
  EXPECT_EQ(run(shell, "cat /etc/frr/frr.conf\n"), "cat: /etc/frr/frr.conf: Permission denied\nnetops@r1:~$ ");
  EXPECT_EQ(run(shell, "vtysh -c 'show frobnicate'\n"), "% Unknown command: show frobnicate\nnetops@r1:~$ ");
  EXPECT_EQ(run(shell, "show running-config\n"), "-bash: show: command not found\nnetops@r1:~$ ");
  EXPECT_EQ(run(shell, "exit\n"), "logout\n");
  EXPECT_EQ(shell.end(), DeviceShell::End::close);

  DeviceShell exec(options(Platform::linux_frr));
  exec.start_exec("terminal length 0");
  EXPECT_EQ(run(exec, ""), "bash: line 1: terminal: command not found\n");
  EXPECT_EQ(exec.exit_status(), 127);
}

TEST(DeviceShell, RouterosRepaintsTheLineOnEnterAndExportsWithoutPaging) {
  DeviceShell shell(options(Platform::mikrotik_routeros, 0, true));
  const std::string prompt = "[netops@r1] > ";
  const auto logo = start(shell);
  EXPECT_NE(logo.find("MikroTik RouterOS 6.49.10 (c) 1999-2023"), std::string::npos);
  EXPECT_TRUE(logo.ends_with("/command        Use command at the base level\r\n" + prompt + "\r" + prompt));
  // The typed echo, then Enter: "\r", the prompt and the line again, a blank line.
  const auto config = run(shell, "/export\r\n");
  const std::string echo = "/export\r" + prompt + "/export\r\n\r\n";
  ASSERT_EQ(config.rfind(echo, 0), 0U) << config.substr(0, 100);
  // "# dec/06/2026 10:00:00 by RouterOS 6.49.10", the date of the read.
  const auto header = config.substr(echo.size(), config.find('\r', echo.size()) - echo.size());
  EXPECT_EQ(header.size(), 42U) << header;
  EXPECT_EQ(header.substr(0, 2) + header.substr(5, 1) + header.substr(8, 1), "# //") << header;
  EXPECT_TRUE(header.ends_with(" by RouterOS 6.49.10")) << header;
  EXPECT_NE(config.find("\r\n# software id = "), std::string::npos);
  EXPECT_NE(config.find("\r\n/routing bgp peer\r\nadd name=upstream "), std::string::npos);
  EXPECT_NE(config.find(" tcp-md5-key="), std::string::npos) << "v6 shows sensitive values";
  EXPECT_TRUE(config.ends_with("\r\n" + prompt + "\r" + prompt));
  EXPECT_EQ(config.find("-- [Q quit"), std::string::npos);
  for (std::size_t at = 0, end = 0; (end = config.find("\r\n", at)) != std::string::npos; at = end + 2) {
    EXPECT_LE(end - at, 80U) << config.substr(at, end - at);
  }
  EXPECT_EQ(run(shell, "show running-config\r"), "show running-config\r" + prompt + "show running-config\r\n\r\n" +
                                                     "bad command name show (line 1 column 1)\r\n" + prompt + "\r" +
                                                     prompt);
  EXPECT_TRUE(run(shell, "/export verbatim\r")
                  .ends_with("\r\n\r\nexpected end of command (line 1 column 9)\r\n" + prompt + "\r" + prompt));
  EXPECT_TRUE(run(shell, "/quit\r").ends_with("\r\n\r\ninterrupted\r\n"));
  EXPECT_EQ(shell.end(), DeviceShell::End::close);

  DeviceShell exec(options(Platform::mikrotik_routeros));
  exec.start_exec("/export");
  const auto exported = run(exec, "");
  EXPECT_EQ(exported.find('\r'), std::string::npos);
  EXPECT_EQ(exported.find("[netops@r1]"), std::string::npos);
  EXPECT_TRUE(exported.ends_with("\n/system ntp client\nset enabled=yes primary-ntp=10.0." +
                                 exported.substr(exported.rfind("10.0.") + 5)));
  EXPECT_EQ(exec.exit_status(), 0);
}

TEST(DeviceShell, AoscxStartsInTheManagerContextWhereAloneNoPageAndTheConfigExist) {
  DeviceShell shell(options(Platform::aruba_aoscx));
  const auto login = start(shell);
  EXPECT_EQ(login.rfind("Last login: ", 0), 0U) << login;
  EXPECT_TRUE(login.ends_with(" has logged in 73 times in the past 30 days\nr1# ")) << login;
  EXPECT_EQ(run(shell, "Frobnicate now\n"), "Invalid input: Frobnicate\nr1# ");
  EXPECT_EQ(run(shell, "terminal length 0\n"), "Invalid input: terminal\nr1# ") << "a Cisco command";
  EXPECT_EQ(run(shell, "show\n"), "% Command incomplete.\nr1# ");
  EXPECT_EQ(run(shell, "page 1\n"), "Invalid input: 1\nr1# ") << "2-1000 lines";
  const auto page = run(shell, "show running-config\n");
  EXPECT_EQ(page.rfind("Current configuration:\n!\n!Version ArubaOS-CX FL.10.13.1000\n!export-password: default\n", 0),
            0U);
  const std::string more = "-- MORE --, next page: Space, next line: Enter, quit: q";
  EXPECT_TRUE(page.ends_with("\n" + more));
  EXPECT_EQ(std::count(page.begin(), page.end(), '\n'), 23);
  EXPECT_EQ(run(shell, " ").rfind("\r" + std::string(more.size(), ' ') + "\r", 0), 0U);
  EXPECT_TRUE(run(shell, "q").ends_with("\nr1# "));
  EXPECT_EQ(run(shell, "no page\n"), "r1# ");
  const auto full = run(shell, "show running-config\n");
  EXPECT_EQ(full.find("-- MORE --"), std::string::npos);
  EXPECT_TRUE(full.ends_with("\nhttps-server vrf mgmt\nr1# ")) << "no end marker";
  EXPECT_NE(full.find("\nuser netops group administrators password ciphertext AQBa"), std::string::npos);
  EXPECT_NE(full.find(" auth-pass ciphertext AQBa"), std::string::npos);
  // The operator context has neither the config nor "no page".
  EXPECT_EQ(run(shell, "disable\n"), "r1> ");
  EXPECT_EQ(run(shell, "show running-config\n"), "Invalid input: running-config\nr1> ");
  EXPECT_EQ(run(shell, "no page\n"), "Invalid input: page\nr1> ");
  EXPECT_EQ(run(shell, "enable\n"), "r1# ");
  EXPECT_EQ(run(shell, "exit\n"), "");
  EXPECT_EQ(shell.end(), DeviceShell::End::close);
}

TEST(DeviceShell, FortiosPagesUntilTheConsoleOutputIsChangedToStandard) {
  DeviceShell shell(options(Platform::fortinet_fortios));
  EXPECT_EQ(start(shell), "r1 # ");
  EXPECT_EQ(run(shell, "get system status | grep Virtual\n"),
            "Virtual domains status: 1 in NAT mode, 0 in TP mode\nVirtual domain configuration: disable\nr1 # ");
  EXPECT_EQ(run(shell, "show running-config\n"),
            "command parse error before 'running-config'\nCommand fail. Return code -61\nr1 # ");
  EXPECT_EQ(run(shell, "terminal length 0\n"), "Unknown action 0\nr1 # ");
  EXPECT_NE(run(shell, "get system console\n").find("\noutput              : more\n"), std::string::npos);
  const auto page = run(shell, "show full-configuration\n");
  EXPECT_EQ(page.rfind("#config-version=FGT1HF-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=netops\n", 0), 0U);
  EXPECT_TRUE(page.ends_with("\n--More-- "));
  EXPECT_EQ(std::count(page.begin(), page.end(), '\n'), 23);
  EXPECT_EQ(run(shell, " ").rfind("\r" + std::string(9, ' ') + "\r", 0), 0U);
  EXPECT_TRUE(run(shell, "q").ends_with("\nr1 # "));
  EXPECT_EQ(shell.config_changes(), 0);
  // Netmiko's way: a change of the device's configuration, counted by the lab.
  EXPECT_EQ(run(shell, "config system console\n"), "r1 (console) # ");
  EXPECT_EQ(run(shell, "set output standard\n"), "r1 (console) # ");
  EXPECT_EQ(run(shell, "end\n"), "r1 # ");
  EXPECT_EQ(shell.config_changes(), 1);
  const auto full = run(shell, "show full-configuration\n");
  EXPECT_EQ(full.find("--More--"), std::string::npos);
  EXPECT_TRUE(full.ends_with("\nend\nr1 # "));
  EXPECT_NE(full.find("\n        set password ENC SH2"), std::string::npos);
  // ENC values are encrypted anew on every read; the admins' SH2 hashes stay.
  const auto again = run(shell, "show\n");
  const auto psk = [](const std::string& text) {
    const auto at = text.find("set psksecret ENC ");
    return text.substr(at, text.find('\n', at) - at);
  };
  EXPECT_NE(psk(full), psk(again));
  EXPECT_EQ(full.substr(0, full.find("config user radius")), again.substr(0, again.find("config user radius")));
  EXPECT_EQ(run(shell, "config system console\n"), "r1 (console) # ");
  EXPECT_EQ(run(shell, "set output more\n"), "r1 (console) # ");
  EXPECT_EQ(run(shell, "abort\n"), "r1 # ");
  EXPECT_EQ(shell.config_changes(), 1) << "abort saves nothing";
  run(shell, "exit\n");
  EXPECT_EQ(shell.end(), DeviceShell::End::close);
}

TEST(DeviceShell, TypeAheadWaitsForTheCurrentCommand) {
  DeviceShell shell(options(Platform::cisco_nxos));
  start(shell);
  const auto out = run(shell, "terminal length 0\nshow running-config\nshow version\n");
  EXPECT_NE(out.find("!Command: show running-config"), std::string::npos);
  EXPECT_NE(out.find("Kernel uptime is 0 weeks, 1 day, 3 hours"), std::string::npos);
  EXPECT_TRUE(out.ends_with("r1# "));
}

TEST(DeviceShell, DropTypeaheadThrowsAwayWhatWasTypedBehindACommand) {
  DeviceShell shell(options(Platform::cisco_nxos, fault_bit(Fault::drop_typeahead)));
  start(shell);
  const auto out = run(shell, "terminal length 0\nshow running-config\nshow version\n");
  EXPECT_EQ(out.find("!Command: show running-config"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("r1# "));
  EXPECT_NE(run(shell, "show running-config\n").find("!Command: show running-config"), std::string::npos)
      << "a command typed at the prompt still runs";
}

TEST(DeviceShell, PtyEchoesAndUsesCrLf) {
  DeviceShell shell(options(Platform::juniper_junos, 0, true));
  EXPECT_TRUE(start(shell).ends_with("\r\nnetops@r1> "));
  EXPECT_EQ(run(shell, "set cli screen-length 0\r"),
            "set cli screen-length 0\r\nScreen length set to 0\r\n\r\nnetops@r1> ");
  EXPECT_EQ(run(shell, "bogus\r"), "bogus\r\n" + std::string(11, ' ') + "^\r\nunknown command.\r\n\r\nnetops@r1> ");
}

TEST(DeviceShell, ErrorLinesPerPlatform) {
  DeviceShell eos(options(Platform::arista_eos));
  start(eos);
  EXPECT_EQ(run(eos, "show running-config\n"), "% Invalid input (privileged mode required)\nr1>");
  EXPECT_EQ(run(eos, "frobnicate\n"), "% Invalid input\nr1>");
  DeviceShell nxos(options(Platform::cisco_nxos));
  start(nxos);
  EXPECT_EQ(run(nxos, "frobnicate\n"), std::string(4, ' ') + "^\n% Invalid command at '^' marker.\nr1# ");
  DeviceShell linux_like(options(Platform::generic));
  start(linux_like);
  EXPECT_EQ(run(linux_like, "show run\n"), "-sh: show: not found\nnetops@r1:~$ ");
}

TEST(DeviceShell, ExecRunsOneCommandWithoutPagingOrPrompt) {
  DeviceShell shell(options(Platform::cisco_ios));
  shell.start_exec("show running-config");
  const auto out = run(shell, "");
  EXPECT_EQ(out.rfind("Building configuration...", 0), 0U);
  EXPECT_TRUE(out.ends_with("\nend\n\n"));
  EXPECT_EQ(shell.end(), DeviceShell::End::exec_done);
  EXPECT_EQ(shell.exit_status(), 0);
}

TEST(DeviceShell, FaultsInTheCli) {
  {
    DeviceShell shell(options(Platform::cisco_ios, fault_bit(Fault::ignore_paging_off)));
    start(shell);
    run(shell, "enable\ns3cret\nterminal length 0\n");
    EXPECT_TRUE(run(shell, "show running-config\n").ends_with(" --More-- "));
  }
  {
    DeviceShell shell(options(Platform::cisco_ios, fault_bit(Fault::wrong_enable_secret)));
    start(shell);
    EXPECT_EQ(run(shell, "enable\ns3cret\ns3cret\ns3cret\n"), "Password: Password: Password: % Bad secrets\n\nr1>");
  }
  {
    DeviceShell shell(options(Platform::cisco_ios, fault_bit(Fault::hang_mid_config)));
    start(shell);
    const auto out = run(shell, "enable\ns3cret\nterminal length 0\nshow running-config\n");
    EXPECT_EQ(out.find("\nend\n"), std::string::npos);
    EXPECT_EQ(shell.end(), DeviceShell::End::hang);
    EXPECT_EQ(run(shell, "\n"), "");
  }
  {
    DeviceShell shell(options(Platform::cisco_ios, fault_bit(Fault::flood)));
    start(shell);
    run(shell, "enable\ns3cret\nterminal length 0\n");
    shell.feed("show running-config\n");
    std::size_t total = 0;
    for (int i = 0; i < 100 && shell.has_output(); ++i) {
      total += shell.take_output(65536).size();
    }
    EXPECT_GT(total, 99U * 65536U);
    EXPECT_TRUE(shell.has_output());
  }
  {
    DeviceShell shell(options(Platform::arista_eos, fault_bit(Fault::unexpected_prompt)));
    EXPECT_TRUE(start(shell).ends_with("Selection [1-3]: "));
    EXPECT_EQ(run(shell, "enable\n"), "Invalid selection.\n\nSelection [1-3]: ");
  }
  {
    DeviceShell shell(options(Platform::cisco_ios, fault_bit(Fault::huge_banner)));
    const auto banner = start(shell);
    EXPECT_GT(banner.size(), 256U * 1024U);
    EXPECT_TRUE(banner.ends_with("\nr1>"));
  }
}

}  // namespace
}  // namespace nbsync::lab
