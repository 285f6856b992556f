#include "backup/config_normalizer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nbsync::backup {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string k_ios_raw =
    "Building configuration...\r\n"
    "\r\n"
    "Current configuration : 4242 bytes\r\n"
    "!\r\n"
    "! Last configuration change at 10:01:02 UTC Mon Nov 24 2026 by admin\r\n"
    "! NVRAM config last updated at 10:00:00 UTC Mon Nov 24 2026 by admin\r\n"
    "version 17.9   \r\n"
    "hostname rtr1\r\n"
    "enable secret 9 $9$abcdefghijklmn$opqrstuvwxyz0123456789\r\n"
    "username admin privilege 15 secret 9 $9$zzzzzzzzzzzzzz$yyyyyyyy\r\n"
    "snmp-server community s3cr3t-community RO ACL-SNMP\r\n"
    "tacacs server T1\r\n"
    " key 7 0822455D0A16544541\r\n"
    "router bgp 65000\r\n"
    " neighbor 10.0.0.1 password 7 121A0C0411045D5679\r\n"
    "ntp clock-period 17179869\r\n"
    "--More--\b\b\b\b\b\b\b\b        \b\b\b\b\b\b\b\binterface Gi0/1\r\n"
    " description \x1b[7muplink\x1b[m\r\n"
    "end\r\n";

TEST(ConfigNormalizer, DropsVolatileLinesAndMasksSecrets) {
  const auto profile = ProfileRegistry::shipped().find("cisco-ios");
  const ConfigNormalizer normalizer(profile, true);
  const auto result = normalizer.normalize(k_ios_raw);
  EXPECT_EQ(result.text,
            "!\nversion 17.9\nhostname rtr1\n"
            "enable secret 9 <removed>\n"
            "username admin privilege 15 secret 9 <removed>\n"
            "snmp-server community <removed> RO ACL-SNMP\n"
            "tacacs server T1\n key 7 <removed>\n"
            "router bgp 65000\n neighbor 10.0.0.1 password 7 <removed>\n"
            "interface Gi0/1\n description uplink\nend\n");
  EXPECT_EQ(result.volatile_dropped, 5);
  EXPECT_EQ(result.secrets_masked, 5);
  for (const char* secret : {"abcdefghijklmn", "s3cr3t-community", "0822455D0A16544541", "121A0C0411045D5679"}) {
    EXPECT_THAT(result.text, Not(HasSubstr(secret)));
  }
}

TEST(ConfigNormalizer, VolatileLinesAloneNeverChangeTheResult) {
  const auto profile = ProfileRegistry::shipped().find("cisco-ios");
  const ConfigNormalizer normalizer(profile, true);
  std::string later = k_ios_raw;
  later.replace(later.find("10:01:02"), 8, "23:59:59");
  later.replace(later.find("17179869"), 8, "17180001");
  later.replace(later.find("4242"), 4, "4243");
  EXPECT_EQ(normalizer.normalize(k_ios_raw).text, normalizer.normalize(later).text);
  std::string changed = k_ios_raw;
  changed.replace(changed.find("hostname rtr1"), 13, "hostname rtr2");
  EXPECT_NE(normalizer.normalize(k_ios_raw).text, normalizer.normalize(changed).text);
}

TEST(ConfigNormalizer, MaskingCanBeTurnedOff) {
  const ConfigNormalizer normalizer(ProfileRegistry::shipped().find("cisco-ios"), false);
  EXPECT_THAT(normalizer.normalize(k_ios_raw).text, HasSubstr("s3cr3t-community"));
}

TEST(ConfigNormalizer, JunosSecretDataIsMasked) {
  const ConfigNormalizer normalizer(ProfileRegistry::shipped().find("juniper-junos"), true);
  const auto result = normalizer.normalize(
      "## Last commit: 2026-11-24 10:00:00 UTC by admin\n"
      "system {\n    root-authentication {\n        encrypted-password \"$6$abc$verysecret\"; ## SECRET-DATA\n    "
      "}\n}\n"
      "snmp {\n    community s3cret {\n        authorization read-only;\n    }\n}\n"
      "policy-options {\n    community CUST members 65000:100;\n}\n");
  EXPECT_THAT(result.text, HasSubstr("encrypted-password \"<removed>\"; ## SECRET-DATA"));
  EXPECT_THAT(result.text, HasSubstr("community <removed> {"));
  EXPECT_THAT(result.text, HasSubstr("community CUST members 65000:100;")) << "BGP communities are not secrets";
  EXPECT_THAT(result.text, Not(HasSubstr("Last commit")));
}

TEST(ConfigNormalizer, IosXrDropsTheTimeAndHeaderAndMasksEncryptedKeys) {
  const ConfigNormalizer xr(ProfileRegistry::shipped().find("cisco-iosxr"), true);
  const auto stored = xr.normalize(
      "Sun Dec  6 19:40:12.345 UTC\nBuilding configuration...\n!! IOS XR Configuration 7.5.2\n"
      "!! Last configuration change at Sun Dec  6 18:00:01 2026 by admin\n!\nhostname xr1\nusername admin\n"
      " secret 10 $6$saltsalt$hashhash\n!\ntacacs-server host 10.0.0.49 port 49\n key 7 0822455D0A16\n"
      "snmp-server community encrypted 13061E010803 RO SystemOwner\n neighbor 10.0.0.1\n"
      "  password encrypted 121A0C041104\n   message-digest-key 1 md5 encrypted 0A1B2C3D4E\nend\n");
  EXPECT_EQ(stored.text,
            "!\nhostname xr1\nusername admin\n secret 10 <removed>\n!\ntacacs-server host 10.0.0.49 port 49\n"
            " key 7 <removed>\nsnmp-server community encrypted <removed> RO SystemOwner\n neighbor 10.0.0.1\n"
            "  password encrypted <removed>\n   message-digest-key 1 md5 encrypted <removed>\nend\n");
  EXPECT_EQ(stored.volatile_dropped, 4);
  EXPECT_EQ(stored.secrets_masked, 5);
}

TEST(ConfigNormalizer, PanosSecretsAreMaskedInTheBraceSetAndXmlFormats) {
  const ConfigNormalizer panos(ProfileRegistry::shipped().find("paloalto-panos"), true);
  const auto brace = panos.normalize(
      "config {\n  mgt-config {\n    users {\n      admin {\n        phash $5$salt$hash;\n      }\n    }\n  }\n"
      "        pre-shared-key {\n          key -AQ==c2VjcmV0=;\n        }\n"
      "              secret \"-AQ==dGFjYWNz=\";\n        snmp-community-string public-ro;\n}\n");
  EXPECT_EQ(brace.text,
            "config {\n  mgt-config {\n    users {\n      admin {\n        phash <removed>;\n      }\n    }\n  }\n"
            "        pre-shared-key {\n          key <removed>;\n        }\n"
            "              secret <removed>;\n        snmp-community-string <removed>;\n}\n");
  EXPECT_EQ(brace.secrets_masked, 4);
  const auto set = panos.normalize("set mgt-config users admin phash $5$salt$hash\n").text;
  EXPECT_EQ(set, "set mgt-config users admin phash <removed>\n");
  const auto xml = panos.normalize("<phash>$5$salt$hash</phash>\n<key>-AQ==c2VjcmV0=</key>\n<hostname>fw</hostname>\n");
  EXPECT_EQ(xml.text, "<phash><removed></phash>\n<key><removed></key>\n<hostname>fw</hostname>\n");
}

TEST(CleanTerminalLine, BehavesLikeATerminal) {
  EXPECT_EQ(clean_terminal_line("abc\r"), "abc");
  EXPECT_EQ(clean_terminal_line(" --More-- \r          \r interface x"), " interface x");
  EXPECT_EQ(clean_terminal_line("ab\bc"), "ac");
  EXPECT_EQ(clean_terminal_line("\x1b[1mbold\x1b[0m text  "), "bold text");
}

TEST(CleanTerminalLine, TheCursorMovingLeftTakesBackWhatItPasses) {
  // Huawei VRP's pager: "  ---- More ----", then ESC[42D, 42 blanks, ESC[42D before the next line.
  const std::string erase = "\x1b[42D" + std::string(42, ' ') + "\x1b[42D";
  EXPECT_EQ(clean_terminal_line("  ---- More ----" + erase + "vlan batch 10 20"), "vlan batch 10 20");
  EXPECT_EQ(clean_terminal_line(erase + " port link-type access"), " port link-type access")
      << "the pager line already dropped by the reader";
  EXPECT_EQ(clean_terminal_line("abc\x1b[Dd"), "abd") << "no count: one column";
  EXPECT_EQ(clean_terminal_line("abc\x1b[1;31mred"), "abcred") << "other sequences change nothing";
}

TEST(CleanTerminalLine, AControlCharacterIsFoundWhereverItIsInTheLine) {
  // The scan looks at eight bytes at a time: every position of a word, and the tail.
  for (std::size_t at = 0; at < 37; ++at) {
    std::string line(37, 'x');
    line[at] = '\b';
    EXPECT_EQ(clean_terminal_line(line), std::string(at == 0 ? 36 : 35, 'x')) << "backspace at " << at;
    line[at] = '\r';
    // The line starts over after it, unless nothing follows (a terminal keeps the line).
    EXPECT_EQ(clean_terminal_line(line), std::string(at == 36 ? 36 : 36 - at, 'x')) << "carriage return at " << at;
  }
  // Line ends from a pty, with blanks around them: the line stays.
  EXPECT_EQ(clean_terminal_line("interface Gi0/1\r"), "interface Gi0/1");
  EXPECT_EQ(clean_terminal_line("interface Gi0/1 \t\r \r"), "interface Gi0/1");
  EXPECT_EQ(clean_terminal_line("interface Gi0/1\r\b"), "interface Gi0/1");
  EXPECT_EQ(clean_terminal_line("interface Gi0/1\r\t"), "") << "a tab after it is text: the line starts over";
  // Tabs are bytes below 0x20 too, but text: kept, only trailing blanks go.
  EXPECT_EQ(clean_terminal_line(" description\tuplink to core\t \t"), " description\tuplink to core");
  EXPECT_EQ(clean_terminal_line("\x7f\xc3\xa9 plain"), "\x7f\xc3\xa9 plain");
}

}  // namespace
}  // namespace nbsync::backup

namespace nbsync::backup {
namespace {

TEST(ConfigNormalizer, SnmpV3UserKeysAreMasked) {
  for (const char* profile : {"cisco-nxos", "cisco-ios", "arista-eos"}) {
    const ConfigNormalizer normalizer(ProfileRegistry::shipped().find(profile), true);
    const auto text = normalizer
                          .normalize(
                              "snmp-server user admin network-admin auth md5 0xAB12CD priv 0xCB6DBCA3 localizedkey\n"
                              "snmp-server user ops grp v3 auth sha authpass123 priv aes 128 privpass456\n")
                          .text;
    EXPECT_EQ(text.find("0xAB12CD"), std::string::npos) << profile;
    EXPECT_EQ(text.find("0xCB6DBCA3"), std::string::npos) << profile;
    EXPECT_EQ(text.find("authpass123"), std::string::npos) << profile;
    EXPECT_EQ(text.find("privpass456"), std::string::npos) << profile;
    EXPECT_NE(text.find("localizedkey"), std::string::npos) << profile;
    // Found by fuzz/normalizer: masking the masked text took the cipher ("aes") as the key.
    EXPECT_NE(text.find("priv aes 128 <removed>\n"), std::string::npos) << profile << ": " << text;
    EXPECT_EQ(normalizer.normalize(text).text, text) << profile;
    const std::string twice = normalizer.normalize("snmp-server user a priv priv 1\n").text;  // the fuzzer's input
    EXPECT_EQ(twice, "snmp-server user a priv priv <removed>\n") << profile;
    EXPECT_EQ(normalizer.normalize(twice).text, twice) << profile;
  }
}

}  // namespace
}  // namespace nbsync::backup

namespace nbsync::backup {
namespace {

TEST(ConfigNormalizer, MasksNeverReachIntoTheNextLine) {
  const ConfigNormalizer junos(ProfileRegistry::shipped().find("juniper-junos"), true);
  const std::string text = junos
                               .normalize(
                                   "system {\n    host-name \"core\";\n    login {\n        message \"hello\n        "
                                   "encrypted-password \"$6$x\"; ## SECRET-DATA\n")
                               .text;
  EXPECT_NE(text.find("host-name \"core\";"), std::string::npos) << text;
  EXPECT_NE(text.find("encrypted-password \"<removed>\"; ## SECRET-DATA"), std::string::npos) << text;
  const ConfigNormalizer panos(ProfileRegistry::shipped().find("paloalto-panos"), true);
  const std::string pan = panos.normalize("set deviceconfig system password\nset network interface ethernet1/1\n").text;
  EXPECT_NE(pan.find("set network interface ethernet1/1"), std::string::npos) << pan;
}

// Found by fuzz/platform_profile: a profile's mask that eats the final newline.
TEST(ConfigNormalizer, AMaskThatMatchesPastTheLineEndStillLeavesWholeLines) {
  const auto profile = parse_profile(R"(
name = "greedy"
prompt = '#$'
config = ["show running-config"]
[[mask]]
pattern = '^(enable secret )\C+'
replace = '$1<removed>'
)",
                                     "greedy.toml");
  const auto result = ConfigNormalizer(profile, true).normalize("hostname r1\nenable secret 5 abc\nend\n");
  EXPECT_EQ(result.text, "hostname r1\nenable secret <removed>\n");
  EXPECT_EQ(result.lines, 2);
}

// Found by fuzz/normalizer: a byte that is not UTF-8 made the PAN-OS mask garble the line.
TEST(ConfigNormalizer, ALineThatIsNotUtf8IsMaskedWithoutChangingItsOtherBytes) {
  const ConfigNormalizer panos(ProfileRegistry::shipped().find("paloalto-panos"), true);
  const auto once = panos.normalize("key \xffkey 7");
  EXPECT_EQ(once.text, "key \xffkey <removed>\n");
  EXPECT_EQ(panos.normalize(once.text).text, once.text);
}

}  // namespace
}  // namespace nbsync::backup
