#include "compliance/config_drift.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nbsync::compliance {
namespace {

// r1's config: its two interfaces with `gi1` and `gi2` under them, then `rest`.
std::string config(const std::string& gi1, const std::string& gi2, const std::string& rest) {
  return "hostname r1\ninterface Gi0/1\n" + gi1 + "interface Gi0/2\n" + gi2 + rest;
}

const std::string k_address = " ip address 10.0.0.1 255.255.255.0\n";
const std::string k_running =
    config(" description uplink\n" + k_address, " description access\n shutdown\n", "ntp server 192.0.2.1\n");

TEST(ConfigDrift, SameLinesInAnotherOrderAreInSync) {
  const char* const intended =
      "ntp server 192.0.2.1\n"
      "interface Gi0/2\n"
      " shutdown\n"
      " description access\n"
      "hostname r1\n"
      "interface Gi0/1\n"
      " ip address 10.0.0.1 255.255.255.0\n"
      " description uplink\n";
  EXPECT_EQ(compare_to_intended(intended, k_running).differing(), 0U);
}

TEST(ConfigDrift, LineUnderTheWrongInterfaceIsOneMissingAndOneExtra) {
  const std::string intended =
      config(" description uplink\n", " description access\n" + k_address + " shutdown\n", "ntp server 192.0.2.1\n");
  const ConfigDrift drift = compare_to_intended(intended, k_running);
  ASSERT_EQ(drift.missing.size(), 1U);
  ASSERT_EQ(drift.extra.size(), 1U);
  EXPECT_EQ(drift.missing[0].section, "interface Gi0/2");
  EXPECT_EQ(drift.missing[0].line, "ip address 10.0.0.1 255.255.255.0");
  EXPECT_EQ(drift.extra[0].section, "interface Gi0/1");
  EXPECT_EQ(drift.extra[0].line, "ip address 10.0.0.1 255.255.255.0");
}

TEST(ConfigDrift, MissingAndExtraLinesAreCountedWithDuplicates) {
  const std::string intended = config(" description uplink\n" + k_address, " description access\n",
                                      "ntp server 192.0.2.1\nntp server 192.0.2.1\nlogging host 192.0.2.9\n");
  const ConfigDrift drift = compare_to_intended(intended, k_running);
  ASSERT_EQ(drift.missing.size(), 2U);  // the second ntp line, the logging host
  EXPECT_EQ(drift.missing[0].line, "logging host 192.0.2.9");
  EXPECT_EQ(drift.missing[1].line, "ntp server 192.0.2.1");
  ASSERT_EQ(drift.extra.size(), 1U);
  EXPECT_EQ(drift.extra[0].section, "interface Gi0/2");
  EXPECT_EQ(drift.extra[0].line, "shutdown");
}

TEST(ConfigDrift, BraceSectionsNestAndTheirClosersCloseThem) {
  const char* const running =
      "interfaces {\n"
      "    ge-0/0/0 {\n"
      "        mtu 9192;\n"
      "    }\n"
      "    ge-0/0/1 {\n"
      "        disable;\n"
      "    }\n"
      "}\n"
      "system {\n"
      "    host-name r2;\n"
      "}\n";
  const char* const intended =
      "system {\n"
      "    host-name r2;\n"
      "}\n"
      "interfaces {\n"
      "    ge-0/0/1 {\n"
      "        disable;\n"
      "        mtu 9192;\n"
      "    }\n"
      "    ge-0/0/0 {\n"
      "    }\n"
      "}\n";
  const ConfigDrift drift = compare_to_intended(intended, running);
  ASSERT_EQ(drift.missing.size(), 1U);
  EXPECT_EQ(drift.missing[0].section, "interfaces { > ge-0/0/1 {");
  ASSERT_EQ(drift.extra.size(), 1U);
  EXPECT_EQ(drift.extra[0].section, "interfaces { > ge-0/0/0 {");
  EXPECT_EQ(drift.extra[0].line, "mtu 9192;");
}

}  // namespace
}  // namespace nbsync::compliance
