#include "backup/platform_profile.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace nbsync::backup {
namespace {

using ::testing::HasSubstr;

std::string profile_error(const std::string& text) {
  try {
    parse_profile(text, "my.toml");
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "";
}

TEST(PlatformProfile, AllShippedProfilesLoad) {
  const auto registry = ProfileRegistry::shipped();
  const auto names = registry.names();
  for (const char* name :
       {"cisco-ios", "cisco-nxos", "cisco-iosxr", "cisco-asa", "arista-eos", "juniper-junos", "paloalto-panos",
        "fortinet-fortios", "mikrotik-routeros", "huawei-vrp", "aruba-aoscx", "linux"}) {
    EXPECT_NE(registry.find(name), nullptr) << name;
  }
  EXPECT_GE(names.size(), 12u);
  const auto ios = registry.find("cisco-ios");
  EXPECT_EQ(ios->enable_command, "enable");
  EXPECT_TRUE(ios->prompt.search("rtr-ams1-01#"));
  EXPECT_TRUE(ios->prompt.search("zürich-core-01>"));
  EXPECT_TRUE(ios->unprivileged_prompt.search("rtr-ams1-01>"));
  EXPECT_FALSE(ios->unprivileged_prompt.search("rtr-ams1-01#"));
  EXPECT_TRUE(ios->config_end.search("end"));
  EXPECT_EQ(registry.find("linux")->transport, PlatformProfile::Transport::exec);
  EXPECT_TRUE(registry.find("juniper-junos")->prompt.search("admin@core-01> "));
  EXPECT_TRUE(registry.find("huawei-vrp")->prompt.search("<HUAWEI>"));
  EXPECT_TRUE(registry.find("cisco-iosxr")->prompt.search("RP/0/RSP0/CPU0:xr-core-01#"));
  const auto panos = registry.find("paloalto-panos");
  EXPECT_TRUE(panos->prompt.search("netops@fw-pa-01> "));
  EXPECT_TRUE(panos->prompt.search("admin@fw-pa-01(active)> ")) << "a high-availability pair's prompt";
  EXPECT_TRUE(panos->config_end.search("}"));
  EXPECT_FALSE(panos->config_end.search("  }"));
  EXPECT_TRUE(panos->config_end.search("</config>"));
}

TEST(PlatformProfile, TypeAheadAndExecFirstAreSetWhereTheyAreKnownToWork) {
  const auto registry = ProfileRegistry::shipped();
  for (const char* name : {"cisco-nxos", "juniper-junos"}) {
    EXPECT_TRUE(registry.find(name)->type_ahead) << name;
  }
  for (const char* name : {"cisco-ios", "arista-eos"}) {
    EXPECT_EQ(registry.find(name)->transport, PlatformProfile::Transport::exec_first) << name;
    EXPECT_FALSE(registry.find(name)->type_ahead) << name;
  }
  EXPECT_FALSE(registry.find("cisco-asa")->type_ahead);
  EXPECT_THAT(profile_error("name = \"x\"\ntransport = \"exec\"\ntype_ahead = true\nconfig = [\"show run\"]\n"),
              HasSubstr("type_ahead: applies to the shell"));
  EXPECT_THAT(profile_error("name = \"x\"\nprompt = '#$'\ntype_ahead = \"yes\"\nconfig = [\"show run\"]\n"),
              HasSubstr("type_ahead: expected true or false"));
  EXPECT_THAT(profile_error("name = \"x\"\ntransport = \"telnet\"\nconfig = [\"show run\"]\n"),
              HasSubstr("expected \"shell\", \"exec\" or \"exec_first\", got \"telnet\""));
  EXPECT_THAT(profile_error("name = \"x\"\ntransport = \"exec_first\"\nconfig = [\"show run\"]\n"),
              HasSubstr("prompt: missing"))
      << "exec_first may fall back to the shell: it needs the prompt";
}

TEST(PlatformProfile, ACommandThatCouldChangeADeviceIsRefused) {
  const std::string error = profile_error(R"(
name = "evil"
prompt = '#$'
config = ["show running-config", "write erase"]
)");
  EXPECT_THAT(error, HasSubstr("my.toml:4: config: 'write erase' is not a read-only command"));
  EXPECT_THAT(
      profile_error("name = \"x\"\nprompt = '#$'\npaging_off = [\"configure terminal\"]\nconfig = [\"show run\"]\n"),
      HasSubstr("'configure terminal' is not a read-only command"));
}

TEST(PlatformProfile, VtyshMayRunOneShowCommandAndNothingElse) {
  const auto with_config = [](const std::string& command) {
    return profile_error("name = \"x\"\ntransport = \"exec\"\nconfig = [\"\"\"" + command + "\"\"\"]\n");
  };
  EXPECT_EQ(with_config("vtysh -c 'show running-config'"), "");
  EXPECT_EQ(with_config("vtysh -c \"show running-config\""), "");
  for (const char* evil :
       {"vtysh -c 'configure terminal'", "vtysh -c 'show run' -c 'write memory'", "vtysh -c 'show run'; reboot",
        "vtysh -c 'show run' && reboot", "vtysh -c 'show $(reboot)'", "vtysh -c 'show run", "vtysh -c 'show '"}) {
    EXPECT_THAT(with_config(evil), HasSubstr("is not a read-only command")) << evil;
  }
}

TEST(PlatformProfile, MistakesAreNamedWithFileAndLine) {
  EXPECT_THAT(profile_error("name = \"x\"\nprompt = '#$'\nconfig = [\"show run\"]\npromt = '>'\n"),
              HasSubstr("my.toml:4: promt: unknown key"));
  EXPECT_THAT(profile_error("name = \"x\"\nprompt = '(unclosed'\nconfig = [\"show run\"]\n"),
              HasSubstr("my.toml:2: prompt: bad pattern"));
  EXPECT_THAT(profile_error("name = \"x\"\nprompt = '#$'\n"), HasSubstr("config: missing"));
  EXPECT_THAT(profile_error("prompt = '#$'\nconfig = [\"show run\"]\n"), HasSubstr("name: missing"));
  EXPECT_THAT(profile_error("name = \"x\"\nprompt = '#$'\nconfig = [\"show run\"]\n[enable]\ncommand = "
                            "\"enable\"\npassword_prompt = 'Password:'\n"),
              HasSubstr("unprivileged_prompt"));
  EXPECT_THAT(
      profile_error(
          "name = \"x\"\ntransport = \"exec\"\nconfig = [\"show run\"]\n[[mask]]\npattern = 'a'\nreplce = 'b'\n"),
      HasSubstr("mask[0].replace: missing"));
}

TEST(PlatformProfile, TimeoutsAreDurationsLikeTheConfigs) {
  const auto profile = parse_profile(
      "name = \"slow-fw\"\nprompt = '#$'\nconfig = [\"show run\"]\n[timeouts]\ncommand_idle = \"90s\"\n"
      "command = \"5m\"\nlogin = 45\n",
      "my.toml");
  EXPECT_EQ(profile->timeouts.command_idle, std::chrono::milliseconds(90'000));
  EXPECT_EQ(profile->timeouts.command, std::chrono::milliseconds(300'000));
  EXPECT_EQ(profile->timeouts.login, std::chrono::milliseconds(45'000));
  EXPECT_EQ(profile->timeouts.connect, std::nullopt);
  const std::string head = "name = \"x\"\nprompt = '#$'\nconfig = [\"show run\"]\n[timeouts]\n";
  EXPECT_THAT(profile_error(head + "command = \"90 seconds\"\n"),
              HasSubstr("my.toml:5: timeouts.command: expected a duration such as \"500ms\""));
  EXPECT_THAT(
      profile_error(head + "idle = \"90s\"\n"),
      HasSubstr("my.toml:5: timeouts.idle: unknown key (expected one of: connect, login, command_idle, command)"));
  EXPECT_THAT(profile_error("name = \"x\"\nprompt = '#$'\nconfig = [\"show run\"]\ntimeouts = \"90s\"\n"),
              HasSubstr("my.toml:4: timeouts: expected a table"));
}

// Found by fuzz/platform_profile: '\Q' quoted the patterns after it once they were
// joined into one alternation, which then failed to compile and aborted nbsync.
TEST(PlatformProfile, VolatilePatternsStayApartWhenCombined) {
  const auto profile = parse_profile(
      "name = \"x\"\nprompt = '#$'\nconfig = [\"show run\"]\n"
      "volatile = ['^ntp clock-period \\Q+$', '^Building configuration']\n",
      "my.toml");
  EXPECT_TRUE(profile->any_volatile_line.search("ntp clock-period +$"));
  EXPECT_TRUE(profile->any_volatile_line.search("Building configuration..."));
  EXPECT_FALSE(profile->any_volatile_line.search("hostname r1"));
  EXPECT_THAT(profile_error("name = \"x\"\nprompt = '#$'\nconfig = [\"show run\"]\n"
                            "volatile = ['(?x)^uptime # a comment', '^Building']\n"),
              HasSubstr("my.toml:4: volatile: each pattern compiles alone but not next to the others"));
}

TEST(PlatformProfile, AUserDirectoryAddsAndOverrides) {
  test::TempDir dir;
  dir.write("cisco-ios.toml", "name = \"cisco-ios\"\nprompt = '#$'\nconfig = [\"show startup-config\"]\n");
  dir.write("acme-os.toml", "name = \"acme-os\"\ntransport = \"exec\"\nconfig = [\"show config\"]\n");
  dir.write("README.md", "not a profile");
  auto registry = ProfileRegistry::shipped();
  registry.load_directory(dir.path());
  EXPECT_EQ(registry.find("cisco-ios")->config_commands, std::vector<std::string>{"show startup-config"});
  EXPECT_NE(registry.find("acme-os"), nullptr);
  EXPECT_THROW(registry.load_directory(dir / "missing"), ProfileError);
}

}  // namespace
}  // namespace nbsync::backup
