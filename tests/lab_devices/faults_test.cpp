#include "lab/devices/faults.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace nbsync::lab {
namespace {

TEST(FaultMix, ParsesNamesAndShares) {
  const auto mix = parse_fault_mix(" refuse=0.01, trickle=0.5 ,flood=0");
  ASSERT_EQ(mix.shares.size(), 3U);
  EXPECT_EQ(mix.shares[0].first, Fault::refuse);
  EXPECT_DOUBLE_EQ(mix.shares[1].second, 0.5);
  EXPECT_TRUE(parse_fault_mix("").shares.empty());
}

TEST(FaultMix, RejectsBadInputWithAClearMessage) {
  try {
    parse_fault_mix("refuse=0.1,melt=0.2");
    FAIL() << "unknown fault accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown fault 'melt'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("no_banner"), std::string::npos);
  }
  EXPECT_THROW(parse_fault_mix("refuse"), std::invalid_argument);
  EXPECT_THROW(parse_fault_mix("refuse=x"), std::invalid_argument);
  EXPECT_THROW(parse_fault_mix("refuse=1.5"), std::invalid_argument);
  EXPECT_THROW(parse_fault_mix("refuse=0.6,flood=0.6"), std::invalid_argument);
}

TEST(FaultMix, PicksAtMostOneFaultPerDeviceInProportion) {
  const auto mix = parse_fault_mix("refuse=0.1,trickle=0.2");
  int refuse = 0, trickle = 0, none = 0;
  for (std::int64_t id = 1; id <= 20000; ++id) {
    const auto picked = mix.pick(5, id);
    EXPECT_EQ(picked, mix.pick(5, id));
    if (picked == fault_bit(Fault::refuse)) {
      ++refuse;
    } else if (picked == fault_bit(Fault::trickle)) {
      ++trickle;
    } else if (picked == 0) {
      ++none;
    } else {
      ADD_FAILURE() << "unexpected mask " << picked;
    }
  }
  EXPECT_NEAR(refuse, 2000, 300);
  EXPECT_NEAR(trickle, 4000, 400);
  EXPECT_NEAR(none, 14000, 500);
}

TEST(Faults, NamesRoundTrip) {
  for (const auto f : all_faults()) {
    EXPECT_EQ(parse_fault(fault_name(f)), f);
  }
  EXPECT_EQ(all_faults().size(), 14U);
  EXPECT_EQ(fault_names(fault_bit(Fault::flood) | fault_bit(Fault::refuse)),
            (std::vector<std::string>{"refuse", "flood"}));
}

TEST(Platforms, SlugsMapToSimulatedPlatforms) {
  EXPECT_EQ(platform_from_slug("cisco-ios"), Platform::cisco_ios);
  EXPECT_EQ(platform_from_slug("cisco-nxos"), Platform::cisco_nxos);
  EXPECT_EQ(platform_from_slug("arista-eos"), Platform::arista_eos);
  EXPECT_EQ(platform_from_slug("juniper-junos"), Platform::juniper_junos);
  EXPECT_EQ(platform_from_slug("opengear"), Platform::generic);
  EXPECT_EQ(platform_from_slug(""), Platform::generic);
}

}  // namespace
}  // namespace nbsync::lab
