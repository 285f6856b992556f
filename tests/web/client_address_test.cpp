// Who signs in: the TCP peer, or the client a trusted reverse proxy names in X-Forwarded-For.
#include "web/client_address.hpp"

#include <gtest/gtest.h>

namespace nbsync::web {
namespace {

TEST(ClientAddress, WithoutTrustedProxiesTheHeaderIsIgnored) {
  const ClientAddress client({});
  EXPECT_EQ(client.of("127.0.0.1", "203.0.113.7"), "127.0.0.1");
  EXPECT_EQ(client.of("198.51.100.2", ""), "198.51.100.2");
}

TEST(ClientAddress, ATrustedProxysHeaderNamesTheClientItSaw) {
  const ClientAddress client({"127.0.0.1", "::1"});
  EXPECT_EQ(client.of("127.0.0.1", "203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(client.of("::1", " 2001:db8::5 "), "2001:db8::5");
  EXPECT_EQ(client.of("::ffff:127.0.0.1", "203.0.113.7"), "203.0.113.7") << "IPv4-mapped is the same proxy";
  EXPECT_EQ(client.of("127.0.0.1", ""), "127.0.0.1") << "no header: the proxy's own request";
  // Another peer's header is not believed, whatever it says.
  EXPECT_EQ(client.of("198.51.100.2", "203.0.113.7"), "198.51.100.2");
}

TEST(ClientAddress, WhatTheClientWroteLeftOfTheProxysEntryIsNotBelieved) {
  const ClientAddress client({"127.0.0.1", "10.0.0.5"});
  // The client sent "X-Forwarded-For: 192.0.2.1" itself; the proxy appended what it saw.
  EXPECT_EQ(client.of("127.0.0.1", "192.0.2.1, 203.0.113.7"), "203.0.113.7");
  // Two trusted proxies in a row: the first address neither of them is.
  EXPECT_EQ(client.of("127.0.0.1", "192.0.2.1, 203.0.113.7, 10.0.0.5"), "203.0.113.7");
  // Something that is no address stops the walk: the peer is counted.
  EXPECT_EQ(client.of("127.0.0.1", "203.0.113.7, unknown"), "127.0.0.1");
  EXPECT_EQ(client.of("127.0.0.1", "10.0.0.5"), "127.0.0.1") << "only proxies: the peer";
}

}  // namespace
}  // namespace nbsync::web
