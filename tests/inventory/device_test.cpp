#include "inventory/device.hpp"

#include <gtest/gtest.h>

namespace nbsync::inventory {
namespace {

TEST(AddressWithoutMask, StripsThePrefixLength) {
  EXPECT_EQ(address_without_mask("192.0.2.1/24"), "192.0.2.1");
  EXPECT_EQ(address_without_mask("127.1.0.5/32"), "127.1.0.5");
  EXPECT_EQ(address_without_mask("2001:db8::1/64"), "2001:db8::1");
  EXPECT_EQ(address_without_mask("10.0.0.1"), "10.0.0.1");
}

TEST(AddressWithoutMask, RejectsWhatIsNotAnAddress) {
  EXPECT_FALSE(address_without_mask("router1"));
  EXPECT_FALSE(address_without_mask("192.0.2.1/33"));
  EXPECT_FALSE(address_without_mask("192.0.2.1/x"));
  EXPECT_FALSE(address_without_mask(""));
}

}  // namespace
}  // namespace nbsync::inventory
