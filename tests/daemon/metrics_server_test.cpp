#include "daemon/metrics_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <string>

#include "tests/daemon/prometheus_text.hpp"

namespace nbsync::daemon {
namespace {

using test::parse_prometheus_text;
using ::testing::HasSubstr;

httplib::Result scrape(const MetricsServer& server, const std::string& path = "/metrics") {
  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  return client.Get(path);
}

class MetricsServerTest : public ::testing::Test {
protected:
  MetricsServerTest() { registry.counter("nbsync_backups_total", "Device backups ended", {{"outcome", "ok"}}).inc(4); }
  MetricsRegistry registry;
};

// The servers below live in the test's scope: their destructors stop and join them even
// when an assertion fails.
TEST_F(MetricsServerTest, ServesTheRegistryOnAPickedPort) {
  MetricsServer server(registry, "127.0.0.1:0");
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(server.host(), "127.0.0.1");

  const auto response = scrape(server);
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response->body, registry.render());
  const auto parsed = parse_prometheus_text(response->body);
  EXPECT_EQ(parsed.value("nbsync_backups_total", {{"outcome", "ok"}}), 4);
}

TEST_F(MetricsServerTest, EachScrapeSeesTheCurrentValues) {
  MetricsServer server(registry, "127.0.0.1:0");
  registry.add("nbsync_backups_total", {{"outcome", "ok"}}, 6);
  registry.gauge("nbsync_cycle_running", "1 while a cycle runs").set(1);
  const auto response = scrape(server);
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  const auto parsed = parse_prometheus_text(response->body);
  EXPECT_EQ(parsed.value("nbsync_backups_total", {{"outcome", "ok"}}), 10);
  EXPECT_EQ(parsed.value("nbsync_cycle_running"), 1);
}

TEST_F(MetricsServerTest, EveryOtherPathOrMethodIsNotFound) {
  MetricsServer server(registry, "127.0.0.1:0");
  for (const auto* path : {"/", "/metrics/", "/metricsx", "/api/status"}) {
    const auto response = scrape(server, path);
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 404) << path;
    EXPECT_THAT(response->body, ::testing::Not(HasSubstr("nbsync_backups_total"))) << path;
  }
  httplib::Client client("127.0.0.1", server.port());
  const auto posted = client.Post("/metrics", "x", "text/plain");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 404);
}

TEST_F(MetricsServerTest, ABusyPortIsAnErrorNamingTheAddress) {
  MetricsServer first(registry, "127.0.0.1:0");
  const auto listen = std::string("127.0.0.1:").append(std::to_string(first.port()));
  try {
    MetricsServer second(registry, listen);
    FAIL() << "a second server bound " << listen;
  } catch (const MetricsServerError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot listen on " + listen));
    EXPECT_THAT(e.what(), HasSubstr("Address already in use"));
  }
  const auto response = scrape(first);
  ASSERT_TRUE(response) << "the first server still serves";
  EXPECT_EQ(response->status, 200);
}

TEST_F(MetricsServerTest, AnAddressNotOfThisHostIsAnError) {
  EXPECT_THROW(MetricsServer(registry, "192.0.2.1:0"), MetricsServerError);  // TEST-NET-1, never local
}

TEST_F(MetricsServerTest, StopClosesThePortAndCanBeCalledTwice) {
  MetricsServer server(registry, "127.0.0.1:0");
  server.stop();
  EXPECT_FALSE(scrape(server)) << "nothing listens after stop()";
  server.stop();
}

TEST_F(MetricsServerTest, StopRightAfterStartIsNotLost) {
  // A stop that came before the listen loop would hang in join(): ctest's timeout fails
  // the test then. Each server listened (it had a port) and nothing listens after stop().
  for (int i = 0; i < 20; ++i) {
    MetricsServer server(registry, "127.0.0.1:0");
    EXPECT_GT(server.port(), 0);
    server.stop();
    EXPECT_FALSE(scrape(server)) << "round " << i;
  }
}

TEST(MetricsServerListen, ABadAddressIsAMetricsServerErrorNamingTheKey) {
  const MetricsRegistry registry;
  try {
    MetricsServer server(registry, "127.0.0.1");
    ADD_FAILURE() << "a server on an address with no port";
  } catch (const MetricsServerError& e) {
    EXPECT_THAT(e.what(), HasSubstr("metrics.listen: '127.0.0.1'"));
    EXPECT_THAT(e.what(), HasSubstr("expected HOST:PORT"));
  }
}

}  // namespace
}  // namespace nbsync::daemon
