#include "types/listen_address.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace nbsync {
namespace {

using ::testing::HasSubstr;

TEST(ListenAddress, ParsesHostAndPort) {
  const auto v4 = parse_listen_address("127.0.0.1:9810");
  EXPECT_EQ(v4.host, "127.0.0.1");
  EXPECT_EQ(v4.port, 9810);
  const auto v6 = parse_listen_address("[::1]:9810");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 9810);
  EXPECT_EQ(parse_listen_address("localhost:0").port, 0);
}

TEST(ListenAddress, RejectsWhatIsNotHostColonPort) {
  for (const auto* text : {"", "127.0.0.1", "127.0.0.1:", ":9810", "127.0.0.1:65536", "127.0.0.1:98x", "::1:9810",
                           "[::1:9810", "[]:9810", "127.0.0.1:-1"}) {
    try {
      parse_listen_address(text);
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), HasSubstr("'" + std::string(text) + "'"));
      EXPECT_THAT(e.what(), HasSubstr("expected HOST:PORT"));
    }
  }
}

}  // namespace
}  // namespace nbsync
