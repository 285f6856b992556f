#include "storage/detail/unified_diff.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nbsync::storage::detail {
namespace {

std::string numbered(int count, int changed_line = -1) {
  std::string text;
  for (int i = 1; i <= count; ++i) {
    text.append(i == changed_line ? std::string("changed line") : std::string("line ").append(std::to_string(i)))
        .append("\n");
  }
  return text;
}

TEST(UnifiedDiffExcerpt, HunkHeadersKeepTheirLineNumbersInALongConfig) {
  const std::string excerpt = unified_diff_excerpt(numbered(2000), numbered(2000, 1500), 40);
  EXPECT_THAT(excerpt, ::testing::HasSubstr("@@ -1497,7 +1497,7 @@"));
  EXPECT_THAT(excerpt, ::testing::HasSubstr("-line 1500"));
  EXPECT_THAT(excerpt, ::testing::HasSubstr("+changed line"));
  EXPECT_THAT(excerpt, ::testing::HasSubstr(" line 1497"));
}

TEST(UnifiedDiffExcerpt, IsCutAtMaxLinesAndSaysSoWhenTooBig) {
  std::string before, after;
  for (int i = 0; i < 100; ++i) {
    before.append("a").append(std::to_string(i)).append("\n");
    after.append("b").append(std::to_string(i)).append("\n");
  }
  const std::string cut = unified_diff_excerpt(before, after, 10);
  EXPECT_EQ(std::count(cut.begin(), cut.end(), '\n'), 11);
  EXPECT_THAT(cut, ::testing::EndsWith("...\n"));
  std::string big_before, big_after;
  for (int i = 0; i < 1000; ++i) {
    big_before.append("x").append(std::to_string(i)).append("\n");
    big_after.append("y").append(std::to_string(i)).append("\n");
  }
  EXPECT_THAT(unified_diff_excerpt(big_before, big_after, 40), ::testing::HasSubstr("too many to show"));
}

}  // namespace
}  // namespace nbsync::storage::detail
