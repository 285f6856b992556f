#include "http/http_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace nbsync::http {
namespace {

// A loopback port nothing listens on: bound, then closed, so a connection is refused.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

const std::string k_secret_path = "/services/T0000/B0000/s3cr3tW3bh00kT0k3n";

TEST(HttpClient, AFailedRequestNamesItselfNotItsUrl) {
  HttpClient client(
      {.connect_timeout = std::chrono::milliseconds(2000), .total_timeout = std::chrono::milliseconds(2000)});
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + k_secret_path;
  const auto response = client.send({.method = "POST", .url = url, .body = "{}", .name = "Slack webhook 'ops'"});
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find("POST Slack webhook 'ops'"), std::string::npos) << response.error;
  EXPECT_EQ(response.error.find("s3cr3t"), std::string::npos) << response.error;
  EXPECT_EQ(response.error.find("127.0.0.1"), std::string::npos) << response.error;
}

TEST(HttpClient, AnUnnamedRequestShowsNoUrlAtAll) {
  HttpClient client;
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + k_secret_path;
  const auto response = client.send({.method = "GET", .url = url});
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.error.find("s3cr3t"), std::string::npos) << response.error;
  EXPECT_NE(response.error.find("URL not shown"), std::string::npos) << response.error;
}

TEST(HttpClient, APrintableUrlIsShownRedacted) {
  HttpClient client;
  const std::string url = "http://user:pw@127.0.0.1:" + std::to_string(closed_port()) + "/api/?token=abc";
  const auto response = client.send({.method = "GET", .url = url, .name = "NetBox", .url_is_printable = true});
  EXPECT_NE(response.error.find("GET NetBox (http://REDACTED@127.0.0.1:"), std::string::npos) << response.error;
  EXPECT_EQ(response.error.find("pw@"), std::string::npos) << response.error;
  EXPECT_EQ(response.error.find("abc"), std::string::npos) << response.error;
}

TEST(HttpClient, ARequestTimeoutShorterThanTheClientsApplies) {
  // A listener that accepts and never answers: the request's own timeout ends it.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  HttpClient client({.total_timeout = std::chrono::milliseconds(20000)});
  const auto started = std::chrono::steady_clock::now();
  const auto response = client.send({.method = "GET",
                                     .url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/",
                                     .timeout = std::chrono::milliseconds(300)});
  const auto took = std::chrono::steady_clock::now() - started;
  ::close(fd);
  EXPECT_EQ(response.status, 0);
  EXPECT_LT(took, std::chrono::seconds(10));  // not the client's 20 s
}

}  // namespace
}  // namespace nbsync::http
