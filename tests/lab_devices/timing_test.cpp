#include "lab/devices/timing.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace nbsync::lab {
namespace {

std::string error_of(const std::string& toml) {
  try {
    TimingModel::parse(toml, "my.toml");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(TimingModel, NoneIsInstant) {
  const auto none = TimingModel::load("none");
  EXPECT_FALSE(none.enabled());
  EXPECT_TRUE(none.for_device(1, 7, Platform::cisco_ios).instant());
  EXPECT_EQ(none.for_device(1, 7, Platform::cisco_ios).vty_lines, 0U);
}

TEST(TimingModel, RealisticIsDeterministicPerSeedAndDevice) {
  const auto a = TimingModel::load("realistic");
  const auto b = TimingModel::load("realistic");
  EXPECT_TRUE(a.enabled());
  int differ_by_seed = 0;
  for (std::int64_t id = 1; id <= 200; ++id) {
    EXPECT_EQ(to_json(a.for_device(5, id, Platform::cisco_ios)), to_json(b.for_device(5, id, Platform::cisco_ios)));
    differ_by_seed +=
        to_json(a.for_device(5, id, Platform::cisco_ios)) != to_json(a.for_device(6, id, Platform::cisco_ios));
  }
  EXPECT_GT(differ_by_seed, 190);
}

TEST(TimingModel, RealisticValuesStayInTheShippedRanges) {
  const auto model = TimingModel::load("realistic");
  int tail = 0;
  const int devices = 20000;
  for (std::int64_t id = 1; id <= devices; ++id) {
    const auto t = model.for_device(3, id, Platform::cisco_nxos);
    EXPECT_GE(t.banner_ms, 1U);
    EXPECT_LE(t.banner_ms, 80U);
    EXPECT_GE(t.auth_ms, 30U);
    EXPECT_LE(t.auth_ms, 800U);
    EXPECT_GE(t.output_bytes_per_s, 50000U);
    EXPECT_LE(t.output_bytes_per_s, 2000000U);
    EXPECT_EQ(t.vty_lines, 8U);
    if (t.long_tail) {
      ++tail;
      EXPECT_GE(t.think_ms, 20000U);
      EXPECT_LE(t.think_ms, 90000U);
    } else {
      EXPECT_GE(t.think_ms, 500U);
      EXPECT_LE(t.think_ms, 5000U);
    }
  }
  EXPECT_NEAR(tail, devices / 100, devices / 400);  // about 1 %
}

TEST(TimingModel, PlatformTablesOverrideTheDefault) {
  const auto model = TimingModel::parse(R"(
[default]
auth_ms = [100, 100]
think_ms = [10, 10]
think_ms_per_kb = 5
[platforms.cisco-asa]
think_ms = [50, 50]
)",
                                        "test");
  const auto ios = model.for_device(1, 1, Platform::cisco_ios);
  const auto asa = model.for_device(1, 1, Platform::cisco_asa);
  EXPECT_EQ(ios.auth_ms, 100U);
  EXPECT_EQ(asa.auth_ms, 100U);
  EXPECT_EQ(ios.think_ms, 10U);
  EXPECT_EQ(asa.think_ms, 50U);
  EXPECT_EQ(ios.think_ms_for(10 * 1024), 60U);
  EXPECT_EQ(ios.output_bytes_per_s, 0U);
  EXPECT_EQ(ios.banner_ms, 0U);
}

TEST(TimingModel, BadFilesNameTheKey) {
  EXPECT_NE(error_of("[default]\nauth_ms = [800, 30]\n").find("my.toml: [default].auth_ms must be [min, max]"),
            std::string::npos);
  EXPECT_NE(error_of("[default]\nthink_ms = 5\n").find("[default].think_ms must be [min, max]"), std::string::npos);
  EXPECT_NE(error_of("[default]\nauth_msec = [1, 2]\n").find("[default].auth_msec is not a timing key"),
            std::string::npos);
  EXPECT_NE(error_of("[platforms.cisco-ios]\nvty_lines = -1\n").find("[platforms.cisco-ios].vty_lines must be"),
            std::string::npos);
  EXPECT_NE(error_of("[default]\nlong_tail_share = 2\n").find("[default].long_tail_share must be a share"),
            std::string::npos);
  EXPECT_NE(error_of("[platforms.cisco-wlc]\n").find("[platforms.cisco-wlc] is not a table of a simulated platform"),
            std::string::npos);
  EXPECT_NE(error_of("[defaults]\n").find("unknown table [defaults]"), std::string::npos);
  EXPECT_NE(error_of("[default\n").find("my.toml"), std::string::npos);
  EXPECT_THROW(TimingModel::load("/nonexistent/timing.toml"), std::invalid_argument);
}

}  // namespace
}  // namespace nbsync::lab
