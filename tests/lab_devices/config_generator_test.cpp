#include "lab/devices/config_generator.hpp"

#include <gtest/gtest.h>

#include "tests/lab_devices/lab_fixture.hpp"

namespace nbsync::lab {
namespace {

ConfigRequest request(Platform platform, std::int64_t id, std::uint32_t version, std::time_t now, std::uint64_t nonce) {
  ConfigRequest r;
  r.seed = 9;
  r.id = id;
  r.hostname = "edge-01";
  r.platform = platform;
  r.version = version;
  r.now = now;
  r.read_nonce = nonce;
  return r;
}

constexpr Platform k_platforms[] = {Platform::cisco_ios,         Platform::cisco_nxos,  Platform::arista_eos,
                                    Platform::juniper_junos,     Platform::cisco_asa,   Platform::cisco_iosxr,
                                    Platform::paloalto_panos,    Platform::huawei_vrp,  Platform::linux_frr,
                                    Platform::mikrotik_routeros, Platform::aruba_aoscx, Platform::fortinet_fortios};

TEST(ConfigGenerator, SameVersionDiffersOnlyInVolatileLines) {
  for (const auto platform : k_platforms) {
    const auto a = generate_config(request(platform, 17, 3, 1790000000, 1));
    const auto b = generate_config(request(platform, 17, 3, 1790003333, 2));
    EXPECT_EQ(test::without_volatile(a.output, a.volatile_prefixes),
              test::without_volatile(b.output, b.volatile_prefixes))
        << platform_slug(platform);
    // Junos, PAN-OS, FRR and AOS-CX print nothing that moves between reads of an unchanged config.
    if (platform != Platform::juniper_junos && platform != Platform::paloalto_panos &&
        platform != Platform::linux_frr && platform != Platform::aruba_aoscx) {
      EXPECT_NE(a.output, b.output) << platform_slug(platform) << " has no line that changes on every read";
      EXPECT_FALSE(a.volatile_prefixes.empty());
    }
  }
}

// Whatever the read's nonce and clock (a timestamp's width changes from the 9th to the
// 10th of a month), what is not volatile is the same: a volatile line's length must not move
// the rest (renderers size interfaces and filler by what they wrote so far).
TEST(ConfigGenerator, NoReadChangesMoreThanTheVolatileLines) {
  constexpr std::time_t k_tenth = 1796860800;  // 2026-12-10 00:00:00 UTC
  const auto same_as_first = [](Platform platform, std::int64_t id, std::time_t now, std::uint64_t nonce) {
    const auto first = generate_config(request(platform, id, 2, k_tenth - 7200, 1));
    const auto again = generate_config(request(platform, id, 2, now, nonce));
    return test::without_volatile(again.output, again.volatile_prefixes) ==
           test::without_volatile(first.output, first.volatile_prefixes);
  };
  for (const auto platform : k_platforms) {
    // Many devices: a byte more in a header moves a size budget only now and then.
    for (std::int64_t id = 1; id <= 120; ++id) {
      ASSERT_TRUE(same_as_first(platform, id, k_tenth - 7200, 999)) << platform_slug(platform) << " device " << id;
    }
    for (const std::uint64_t nonce : {0ULL, 7ULL, 42ULL, 100ULL, 4321ULL, 987654ULL}) {
      for (const std::time_t now : {k_tenth - 60, k_tenth + 4000}) {
        ASSERT_TRUE(same_as_first(platform, 17, now, nonce))
            << platform_slug(platform) << " nonce " << nonce << " at " << now;
      }
    }
  }
}

TEST(ConfigGenerator, NewVersionChangesTheConfig) {
  for (const auto platform : k_platforms) {
    for (std::uint32_t v = 0; v < 20; ++v) {
      const auto a = generate_config(request(platform, 5, v, 1790000000, 1));
      const auto b = generate_config(request(platform, 5, v + 1, 1790000000, 1));
      EXPECT_NE(test::without_volatile(a.output, a.volatile_prefixes),
                test::without_volatile(b.output, b.volatile_prefixes))
          << platform_slug(platform) << " version " << v;
    }
  }
}

TEST(ConfigGenerator, IosHeaderCountsTheBodyBytesAndEndsWithEnd) {
  const auto g = generate_config(request(Platform::cisco_ios, 3, 0, 1790000000, 1));
  ASSERT_EQ(g.output.rfind("Building configuration...\n\nCurrent configuration : ", 0), 0U);
  const auto body = g.output.substr(g.body_offset);
  EXPECT_NE(g.output.find("Current configuration : " + std::to_string(body.size()) + " bytes\n"), std::string::npos);
  EXPECT_EQ(body.substr(body.size() - 5), "\nend\n");
  EXPECT_NE(body.find("\nhostname edge-01\n"), std::string::npos);
}

TEST(ConfigGenerator, HasWhatRealConfigsHaveIncludingSecrets) {
  const auto ios = generate_config(request(Platform::cisco_ios, 11, 0, 1790000000, 1)).output;
  for (const char* needle :
       {"\ninterface GigabitEthernet1/0/1\n", "\nvlan ", "\nip access-list extended ", "\nrouter ospf 1\n",
        "\nrouter bgp ", "\nbanner motd ", "\nenable secret 9 $9$", "\nusername admin privilege 15 secret 9 ",
        "\nsnmp-server community ", "\n key 7 ", "\nntp clock-period ", "\n! Last configuration change at "}) {
    EXPECT_NE(ios.find(needle), std::string::npos) << needle;
  }
  const auto junos = generate_config(request(Platform::juniper_junos, 11, 0, 1790000000, 1)).output;
  EXPECT_EQ(junos.rfind("## Last commit: ", 0), 0U);
  EXPECT_NE(junos.find("encrypted-password \"$6$"), std::string::npos);
  for (const auto platform : k_platforms) {
    const auto g = generate_config(request(platform, 11, 0, 1790000000, 1));
    ASSERT_GE(g.secrets.size(), 4U);
    for (const auto& secret : g.secrets) {
      EXPECT_NE(g.output.find(secret), std::string::npos) << platform_slug(platform);
    }
  }
}

TEST(ConfigGenerator, SizesAreRealistic) {
  int small = 0, typical = 0, large = 0;
  for (std::int64_t id = 1; id <= 2000; ++id) {
    const auto size = target_config_size(9, id);
    if (size < 20000) {
      ++small;
    } else if (size <= 60000) {
      ++typical;
    } else {
      ++large;
    }
  }
  EXPECT_GT(typical, 1600);  // "most around 20-60 KB"
  EXPECT_GT(small, 40);
  EXPECT_GT(large, 100);
  for (const auto platform : k_platforms) {
    for (std::int64_t id = 1; id <= 40; ++id) {
      const auto target = target_config_size(9, id);
      const auto size = generate_config(request(platform, id, 0, 1790000000, 1)).output.size();
      EXPECT_GT(size, target * 7 / 10) << platform_slug(platform) << " id " << id;
      EXPECT_LT(size, target * 13 / 10 + 3000) << platform_slug(platform) << " id " << id;
    }
  }
}

}  // namespace
}  // namespace nbsync::lab
