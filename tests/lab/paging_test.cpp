#include <gtest/gtest.h>

#include "lab/netbox_paging.hpp"
#include "lab/request_counters.hpp"

namespace nbsync::lab {
namespace {

TEST(Iso8601, ParsesNetboxAndClientForms) {
  const auto base = parse_iso8601_micros("2025-06-01T00:00:00Z");
  ASSERT_TRUE(base);
  EXPECT_EQ(*base, 1748736000LL * 1000000);
  EXPECT_EQ(parse_iso8601_micros("2025-06-01T02:00:00+02:00"), base);
  EXPECT_EQ(parse_iso8601_micros("2025-06-01T00:00:00.5Z"), *base + 500000);
  EXPECT_EQ(parse_iso8601_micros("2025-06-01"), base);
  EXPECT_FALSE(parse_iso8601_micros("yesterday"));
  EXPECT_FALSE(parse_iso8601_micros("2025-13-01T00:00:00Z"));
}

TEST(PathTemplate, FoldsIdsOnly) {
  EXPECT_EQ(path_template("/api/dcim/devices/12/"), "/api/dcim/devices/{id}/");
  EXPECT_EQ(path_template("/api/dcim/devices/"), "/api/dcim/devices/");
  EXPECT_EQ(path_template("/api/extras/journal-entries/7"), "/api/extras/journal-entries/{id}");
}

}  // namespace
}  // namespace nbsync::lab
