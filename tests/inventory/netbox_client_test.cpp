// The NetBox client against the real lab over real HTTP, including each API fault.
#include "inventory/netbox_client.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "tests/support/lab.hpp"

namespace nbsync::inventory {
namespace {

using test::Lab;
using ::testing::HasSubstr;
using ::testing::Not;

NetboxOptions options_for(const Lab& lab, int page_size = 100) {
  NetboxOptions options;
  options.netbox.url = lab.url();
  options.netbox.token = Secret(test::k_lab_token, "test");
  options.page_size = page_size;
  options.netbox.timeout = std::chrono::milliseconds(3000);
  options.max_attempts = 4;
  options.backoff_base = std::chrono::milliseconds(20);
  options.backoff_cap = std::chrono::milliseconds(200);
  return options;
}

struct Collected {
  std::vector<Device> devices;
  int pages = 0;
};

WalkResult walk(NetboxClient& client, Collected& out, const DeviceQuery& query = {}) {
  return client.walk_devices(query, [&out](std::vector<Device>&& page) {
    ++out.pages;
    for (auto& d : page) {
      out.devices.push_back(std::move(d));
    }
  });
}

void inject(Lab& lab, const nlohmann::json& fault) {
  ASSERT_EQ(lab.request({"POST", "/lab/faults", {{"Content-Type", "application/json"}}, fault.dump()}).status, 201);
}

TEST(NetboxClient, WalksEveryPageAndHandsPagesOverAsTheyArrive) {
  Lab lab(250, 4);
  NetboxClient client(options_for(lab));
  Collected got;
  const auto result = walk(client, got);
  EXPECT_TRUE(result.complete) << result.error;
  EXPECT_EQ(result.expected, 250u);
  EXPECT_EQ(result.received, 250u);
  EXPECT_EQ(got.pages, 3);
  std::set<std::int64_t> ids;
  int with_address = 0;
  for (const auto& d : got.devices) {
    ids.insert(d.id);
    with_address += !d.address.empty();
    EXPECT_FALSE(d.site.empty());
    EXPECT_FALSE(d.status.empty());
  }
  EXPECT_EQ(ids.size(), 250u);
  EXPECT_GT(with_address, 230);
  const auto first = got.devices.front();
  EXPECT_TRUE(first.address.starts_with("127.")) << first.address;
  EXPECT_EQ(first.address.find('/'), std::string::npos) << "mask stripped";
}

// Keyset paging (ordering=id, id__gt=): devices deleted or added while the walk is on page
// 1 shift no page. Offset paging would skip the device that moved back onto page 1.
TEST(NetboxClient, DevicesDeletedOrAddedDuringTheWalkShiftNoPage) {
  Lab lab(250, 4);
  NetboxClient client(options_for(lab));
  std::vector<std::int64_t> ids;
  std::int64_t added = 0;
  const auto result = client.walk_devices({}, [&](std::vector<Device>&& page) {
    if (ids.empty()) {
      // While the walk is on page 1: two of its devices go, one device of a later page goes
      // (never to be read), and a device is added (after the last id).
      for (const std::int64_t id : {page.front().id, page[1].id, std::int64_t{150}}) {
        ASSERT_EQ(lab.request({"DELETE", "/lab/devices/" + std::to_string(id), {}, ""}).status, 204);
      }
      const auto reply = lab.request({"POST", "/lab/devices", {{"Content-Type", "application/json"}}, "{}"});
      ASSERT_EQ(reply.status, 201) << reply.raw;
      added = reply.body["id"].get<std::int64_t>();
    }
    for (const auto& d : page) {
      ids.push_back(d.id);
    }
  });
  ASSERT_TRUE(result.complete) << result.error;
  EXPECT_EQ(result.expected, 250u) << "NetBox's count when the walk began";
  std::vector<std::int64_t> expected;
  for (std::int64_t id = 1; id <= 250; ++id) {
    if (id != 150) {
      expected.push_back(id);
    }
  }
  expected.push_back(added);
  EXPECT_EQ(ids, expected) << "every device that was there throughout, once, in id order, and the new one";
  EXPECT_EQ(result.received, ids.size());
}

TEST(NetboxClient, SendsFiltersToNetbox) {
  Lab lab(200, 4);
  NetboxClient client(options_for(lab));
  Collected got;
  DeviceQuery query;
  query.platform = {"juniper-junos"};
  query.site = {"ams1"};
  const auto result = walk(client, got, query);
  ASSERT_TRUE(result.complete) << result.error;
  ASSERT_FALSE(got.devices.empty());
  for (const auto& d : got.devices) {
    EXPECT_EQ(d.platform, "juniper-junos");
    EXPECT_EQ(d.site, "ams1");
  }
  EXPECT_THAT(client.devices_path(query), HasSubstr("exclude=config_context"));
  EXPECT_THAT(client.devices_path(query), HasSubstr("&fields=id,name,status,site,role,platform,tenant,tags,"))
      << "only what nbsync reads (NetBox 4.0 and later)";
  EXPECT_THAT(client.devices_path(query), HasSubstr("ordering=id")) << "keyset paging needs NetBox's id order";
}

// `region` selects the devices of that region's sites and of the regions below it (NetBox's
// tree filter): the same sites NetBox lists for the region.
TEST(NetboxClient, ARegionFilterSelectsTheDevicesOfItsSitesAndItsSubRegions) {
  Lab lab(300, 4);
  NetboxClient client(options_for(lab));
  // The top region with the most sites (all below it), and one of its sub-regions with a site.
  std::string top, child;
  int top_sites = 0;
  const nlohmann::json regions = lab.get("/api/dcim/regions/?limit=1000").body["results"];
  for (const auto& region : regions) {
    if (region["parent"].is_null() && region["site_count"].get<int>() > top_sites) {
      top = region["slug"];
      top_sites = region["site_count"];
    }
  }
  for (const auto& region : regions) {
    if (!region["parent"].is_null() && region["parent"]["slug"] == top && region["site_count"].get<int>() > 0) {
      child = region["slug"];
    }
  }
  ASSERT_GT(top_sites, 1);
  ASSERT_FALSE(child.empty());
  std::map<std::string, std::size_t> devices_of;
  for (const std::string& slug : {top, child}) {
    const SitesOfRegion sites = client.sites_in_region(slug);
    ASSERT_TRUE(sites.complete) << sites.error;
    Collected got;
    DeviceQuery query;
    query.region = {slug};
    const auto result = walk(client, got, query);
    ASSERT_TRUE(result.complete) << result.error;
    std::set<std::string> seen;
    for (const auto& d : got.devices) {
      EXPECT_TRUE(std::binary_search(sites.slugs.begin(), sites.slugs.end(), d.site)) << d.site << " not in " << slug;
      seen.insert(d.site);
    }
    EXPECT_EQ(seen.size(), sites.slugs.size()) << slug << ": a device of each of its sites";
    devices_of[slug] = got.devices.size();
    EXPECT_THAT(client.devices_path(query), HasSubstr("&region=" + slug));
  }
  EXPECT_GT(devices_of[top], devices_of[child]) << "the sub-regions' devices count for the region above them";
  EXPECT_GT(devices_of[child], 0U);
}

TEST(NetboxClient, RetriesTransientFailuresAndStillReadsEverything) {
  Lab lab(150, 4);
  inject(lab, {{"kind", "status"}, {"status", 500}, {"count", 2}});
  inject(lab, {{"kind", "status"}, {"status", 429}, {"retry_after", 1}});
  inject(lab, {{"kind", "cut_body"}});
  inject(lab, {{"kind", "malformed_json"}});
  inject(lab, {{"kind", "status"}, {"status", 502}});
  auto options = options_for(lab, 50);
  options.max_attempts = 8;
  NetboxClient client(options);
  Collected got;
  const auto start = std::chrono::steady_clock::now();
  const auto result = walk(client, got);
  EXPECT_TRUE(result.complete) << result.error;
  EXPECT_EQ(result.received, 150u);
  EXPECT_EQ(result.retries, 6);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(990)) << "Retry-After: 1 was honoured";
}

TEST(NetboxClient, AStallLongerThanTheTimeoutIsRetried) {
  Lab lab(40, 4);
  inject(lab, {{"kind", "stall"}, {"stall_seconds", 4}});
  auto options = options_for(lab);
  options.netbox.timeout = std::chrono::milliseconds(1000);
  NetboxClient client(options);
  Collected got;
  const auto result = walk(client, got);
  EXPECT_TRUE(result.complete) << result.error;
  EXPECT_EQ(result.received, 40u);
  EXPECT_EQ(result.retries, 1);
}

// A page that says it is the last (no next) while its count says more follow: the walk
// is incomplete, not silently short.
TEST(NetboxClient, ALastPageThatCountsMoreDevicesMakesTheWalkIncomplete) {
  Lab lab(150, 4);
  inject(lab, {{"kind", "broken_next"}});
  NetboxClient client(options_for(lab, 50));
  Collected got;
  const auto result = walk(client, got);
  EXPECT_FALSE(result.complete);
  EXPECT_EQ(result.received, 50u);
  EXPECT_THAT(result.error, HasSubstr("NetBox counts 150 devices from here on but its last page holds 50"));
}

TEST(NetboxClient, PersistentFailureGivesUpWithTheReason) {
  Lab lab(20, 4);
  inject(lab, {{"kind", "status"}, {"status", 500}, {"count", 10}});
  NetboxClient client(options_for(lab));
  Collected got;
  const auto result = walk(client, got);
  EXPECT_FALSE(result.complete);
  EXPECT_THAT(result.error, HasSubstr("gave up after 4 attempts"));
  EXPECT_THAT(result.error, HasSubstr("500"));
}

TEST(NetboxClient, AWrongTokenFailsAtOnceWithoutShowingTheToken) {
  Lab lab(20, 4);
  auto options = options_for(lab);
  options.netbox.token = Secret("ffffffffffffffffffffffffffffffffffffffff", "test");
  NetboxClient client(options);
  Collected got;
  const auto result = walk(client, got);
  EXPECT_FALSE(result.complete);
  EXPECT_EQ(result.retries, 0);
  EXPECT_THAT(result.error, HasSubstr("403"));
  EXPECT_THAT(result.error, HasSubstr("Invalid token"));
  EXPECT_THAT(result.error, HasSubstr("netbox.token_file"));
  EXPECT_THAT(result.error, Not(HasSubstr("ffffffff")));
}

TEST(NetboxClient, AnUnknownFilterSlugIsReportedAsNetboxSaidIt) {
  Lab lab(20, 4);
  NetboxClient client(options_for(lab));
  Collected got;
  DeviceQuery query;
  query.site = {"atlantis"};
  const auto result = walk(client, got, query);
  EXPECT_FALSE(result.complete);
  EXPECT_THAT(result.error, HasSubstr("atlantis is not one of the available choices"));
}

// A region's sites, every page of them, including the sites of the regions below it.
TEST(NetboxClient, ListsTheSitesOfARegionAndOfTheRegionsBelowIt) {
  Lab lab(3000, 4);  // 30 sites: ams1..ord1, then ams2..gru2
  NetboxClient client(options_for(lab, 4));
  const SitesOfRegion netherlands = client.sites_in_region("netherlands");
  ASSERT_TRUE(netherlands.complete) << netherlands.error;
  EXPECT_EQ(netherlands.slugs, (std::vector<std::string>{"ams1", "ams2"}));
  const SitesOfRegion europe = client.sites_in_region("europe");
  ASSERT_TRUE(europe.complete) << europe.error;
  EXPECT_EQ(europe.slugs.size(), 16u) << "12 European cities, 4 of them twice";
  EXPECT_TRUE(std::is_sorted(europe.slugs.begin(), europe.slugs.end()));
  for (const char* site : {"ams1", "ams2", "lon2", "vie1", "dub1"}) {
    EXPECT_TRUE(std::binary_search(europe.slugs.begin(), europe.slugs.end(), site)) << site;
  }
  for (const char* site : {"nyc1", "gru2", "sin1", "jnb1"}) {
    EXPECT_FALSE(std::binary_search(europe.slugs.begin(), europe.slugs.end(), site)) << site;
  }
  const SitesOfRegion atlantis = client.sites_in_region("atlantis");
  EXPECT_FALSE(atlantis.complete);
  EXPECT_THAT(atlantis.error, HasSubstr("region atlantis: NetBox knows no region with that slug"));
  EXPECT_THAT(atlantis.error, HasSubstr("atlantis is not one of the available choices"));
  EXPECT_THAT(atlantis.error, Not(HasSubstr(test::k_lab_token)));
}

TEST(NetboxClient, NetboxUnreachableIsATransportError) {
  NetboxOptions options;
  options.netbox.url = "http://127.0.0.1:1";  // nothing listens on port 1
  options.netbox.token = Secret("t", "test");
  options.max_attempts = 2;
  options.backoff_base = std::chrono::milliseconds(10);
  options.backoff_cap = std::chrono::milliseconds(20);
  NetboxClient client(options);
  Collected got;
  const auto result = walk(client, got);
  EXPECT_FALSE(result.complete);
  EXPECT_THAT(result.error, HasSubstr("127.0.0.1:1"));
}

// NetBox 4.7 with a v2 token (Bearer): the walk reads every device, in full where nbsync
// needs it, and NetBox computed no config context for it.
TEST(NetboxClient, WalksNetbox47WithAV2TokenAndSparesItTheConfigContext) {
  Lab lab(120, 4, {"--netbox-version", "4.7"});
  NetboxOptions options = options_for(lab, 50);
  options.netbox.token = Secret("nbt_" + test::k_lab_token.substr(0, 12) + "." + test::k_lab_token, "test");
  NetboxClient client(options);
  Collected got;
  const auto result = walk(client, got);
  ASSERT_TRUE(result.complete) << result.error;
  EXPECT_EQ(result.received, 120u);
  const auto with_site = std::count_if(got.devices.begin(), got.devices.end(), [](const Device& d) {
    return !d.site.empty() && !d.role.empty() && !d.status.empty();
  });
  EXPECT_EQ(with_site, 120);
  EXPECT_EQ(lab.request({"GET", "/lab/counters", {}, ""}).body["listed_config_contexts"], 0);
  options.netbox.token = Secret("nbt_000000000000.notmytoken7", "test");
  NetboxClient refused(options);
  Collected none;
  const auto failed = walk(refused, none);
  EXPECT_FALSE(failed.complete);
  EXPECT_THAT(failed.error, HasSubstr("Invalid v2 token"));
  EXPECT_THAT(failed.error, Not(HasSubstr("notmytoken7"))) << "the token never shows";
}

TEST(NetboxEndpoint, V2TokensGoWithBearerV1TokensWithToken) {
  EXPECT_EQ(authorization_header(Secret("nbt_abcdefghijkl.0123456789", "test")), "Bearer nbt_abcdefghijkl.0123456789");
  EXPECT_EQ(authorization_header(Secret(std::string(40, 'a'), "test")), "Token " + std::string(40, 'a'));
}

}  // namespace
}  // namespace nbsync::inventory
