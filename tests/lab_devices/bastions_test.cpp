// The seeded bastion plan: deterministic, one chained site, at least one site left direct.
#include <gtest/gtest.h>

#include <set>

#include "lab/devices/bastions.hpp"

namespace nbsync::test {
namespace {

std::vector<std::string> sites(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back("site" + std::to_string(i));
  }
  return out;
}

TEST(BastionPlan, NoShareNoBastions) {
  const auto plan = lab::plan_bastions(1, sites(20), 0.0);
  EXPECT_TRUE(plan.empty());
  EXPECT_EQ(plan.only_from(3), 0U);
  EXPECT_EQ(plan.jump_host_per_site(), std::vector<std::string>(20, ""));
  EXPECT_THROW(lab::plan_bastions(1, sites(20), 1.5), std::invalid_argument);
}

TEST(BastionPlan, SameSeedSamePlanAndOneChainedSite) {
  const auto a = lab::plan_bastions(7, sites(40), 0.3);
  const auto b = lab::plan_bastions(7, sites(40), 0.3);
  EXPECT_EQ(a.site_bastion, b.site_bastion);
  EXPECT_NE(a.site_bastion, lab::plan_bastions(8, sites(40), 0.3).site_bastion);
  std::size_t hidden = 0, chained = 0;
  std::set<std::uint32_t> addresses;
  for (std::size_t i = 0; i < a.bastions.size(); ++i) {
    const auto& bastion = a.bastions[i];
    addresses.insert(bastion.ipv4);
    EXPECT_EQ(bastion.ipv4 >> 24, 127U);
    if (bastion.behind >= 0) {
      ++chained;
      EXPECT_EQ(a.bastions[static_cast<std::size_t>(bastion.behind)].behind, -1) << "a chain of two";
      EXPECT_EQ(a.bastion_only_from(static_cast<int>(i)), a.bastions[static_cast<std::size_t>(bastion.behind)].ipv4);
      EXPECT_EQ(bastion.sites.size(), 1U);
      EXPECT_EQ(a.chain(static_cast<int>(i)).size(), 2U);
    }
  }
  EXPECT_EQ(chained, 1U);
  EXPECT_EQ(addresses.size(), a.bastions.size());
  for (std::size_t s = 0; s < 40; ++s) {
    const int index = a.site_bastion[s];
    hidden += index >= 0 ? 1 : 0;
    EXPECT_EQ(a.only_from(static_cast<int>(s)), index < 0 ? 0U : a.bastions[static_cast<std::size_t>(index)].ipv4);
  }
  EXPECT_EQ(hidden, 12U);  // 30 % of 40
}

TEST(BastionPlan, ASmallShareStillHidesTwoSitesAndAFullShareLeavesOneDirect) {
  const auto small = lab::plan_bastions(1, sites(3), 0.01);
  ASSERT_EQ(small.bastions.size(), 2U);
  EXPECT_EQ(small.bastions[1].behind, 0);
  std::size_t direct = 0;
  for (const int b : lab::plan_bastions(1, sites(10), 1.0).site_bastion) {
    direct += b < 0 ? 1 : 0;
  }
  EXPECT_EQ(direct, 1U);
}

}  // namespace
}  // namespace nbsync::test
