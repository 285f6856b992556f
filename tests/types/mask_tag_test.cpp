#include "types/mask_tag.hpp"

#include <gtest/gtest.h>

namespace nbsync {
namespace {

TEST(MaskTag, TellsTagsFromOtherText) {
  EXPECT_TRUE(is_mask_tag("<removed>"));
  EXPECT_TRUE(is_mask_tag("<removed:5f2a9c>"));
  EXPECT_FALSE(is_mask_tag("<removed:5F2A9C>"));
  EXPECT_FALSE(is_mask_tag("<removed:5f2a9>"));
  EXPECT_FALSE(is_mask_tag("<removed:5f2a9c>x"));
  EXPECT_FALSE(is_mask_tag("s3cret"));
  EXPECT_FALSE(is_mask_tag(""));
}

TEST(MaskTag, WithoutTagsEveryKeyedTagReadsAsRemoved) {
  EXPECT_EQ(without_mask_tags("enable secret 9 <removed:5f2a9c>\nkey <removed:000000> x\n"),
            "enable secret 9 <removed>\nkey <removed> x\n");
  EXPECT_EQ(without_mask_tags("<removed:zz> <removed:12345> <removed>\n"), "<removed:zz> <removed:12345> <removed>\n");
  EXPECT_EQ(without_mask_tags("tail <removed:"), "tail <removed:");
  EXPECT_EQ(without_mask_tags(""), "");
}

}  // namespace
}  // namespace nbsync
