#include "backup/credentials.hpp"

#include <gtest/gtest.h>

namespace nbsync::backup {
namespace {

TEST(CredentialBook, TheFirstMatchingRuleWinsElseTheDefault) {
  const CredentialBook book({"backup", Secret("pw", "t"), "", Secret()},
                            {{"juniper-junos", "", {"netconf", Secret("j", "t"), "", Secret()}},
                             {"", "oob", {"console", Secret("c", "t"), "", Secret()}},
                             {"cisco-ios", "oob", {"never", Secret("n", "t"), "", Secret()}}});
  inventory::Device d;
  d.platform = "cisco-ios";
  EXPECT_EQ(book.for_device(d).username, "backup");
  d.platform = "juniper-junos";
  EXPECT_EQ(book.for_device(d).username, "netconf");
  d.tags = {"oob"};
  EXPECT_EQ(book.for_device(d).username, "netconf") << "rules are tried in order";
  d.platform = "cisco-ios";
  EXPECT_EQ(book.for_device(d).username, "console");
}

}  // namespace
}  // namespace nbsync::backup
