// The lab's seeded NetBox users over real HTTP: what a read-only token, a token limited to
// one site and a token without permissions may see and do, answered as NetBox answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "tests/support/lab.hpp"

namespace nbsync::test {
namespace {

using json = nlohmann::json;

const std::string k_reader_token(40, '2');
const std::string k_site1_token(40, '3');
const std::string k_no_permissions_token(40, '4');
const json k_no_permission = {{"detail", "You do not have permission to perform this action."}};

LabReply get_as(Lab& lab, const std::string& token, const std::string& path) {
  return lab.request({"GET", path, {{"Authorization", "Token " + token}}, ""});
}

// Every device id the token's list shows, walking `next`.
std::set<std::int64_t> listed_ids(Lab& lab, const std::string& token) {
  std::set<std::int64_t> ids;
  std::string path = "/api/dcim/devices/?limit=7&brief=1";
  while (!path.empty()) {
    const auto page = get_as(lab, token, path);
    EXPECT_EQ(page.status, 200) << page.raw;
    for (const auto& device : page.body["results"]) {
      ids.insert(device["id"].get<std::int64_t>());
    }
    path = page.body["next"].is_string() ? page.body["next"].get<std::string>() : "";
  }
  return ids;
}

TEST(NetboxTokens, ASiteLimitedTokenSeesOnlyThatSitesDevicesAndOthersAre404) {
  Lab lab(60, 4);
  std::set<std::int64_t> at_site1;
  std::set<std::int64_t> elsewhere;
  for (const auto& device : lab.walk("/api/dcim/devices/?limit=1000&exclude=config_context")) {
    (device["site"]["id"] == 1 ? at_site1 : elsewhere).insert(device["id"].get<std::int64_t>());
  }
  ASSERT_FALSE(at_site1.empty());
  ASSERT_FALSE(elsewhere.empty());

  EXPECT_EQ(listed_ids(lab, k_site1_token), at_site1);
  const auto count = get_as(lab, k_site1_token, "/api/dcim/devices/?limit=1");
  EXPECT_EQ(count.body["count"], at_site1.size());
  const auto filtered = get_as(lab, k_site1_token, "/api/dcim/devices/?id=" + std::to_string(*elsewhere.begin()));
  EXPECT_EQ(filtered.body["count"], 0) << "a filter does not reveal a device the token may not see";

  const auto own = get_as(lab, k_site1_token, "/api/dcim/devices/" + std::to_string(*at_site1.begin()) + "/");
  EXPECT_EQ(own.status, 200);
  const auto other = get_as(lab, k_site1_token, "/api/dcim/devices/" + std::to_string(*elsewhere.begin()) + "/");
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body, json({{"detail", "No Device matches the given query."}}));

  std::set<std::int64_t> all = at_site1;
  all.insert(elsewhere.begin(), elsewhere.end());
  EXPECT_EQ(listed_ids(lab, k_reader_token), all);
}

TEST(NetboxTokens, ReadOnlyTokensMayNotWriteNorReadOtherModels) {
  Lab lab(10, 1);
  for (const auto& token : {k_reader_token, k_site1_token}) {
    const auto patch = lab.request({"PATCH",
                                    "/api/dcim/devices/1/",
                                    {{"Authorization", "Token " + token}, {"Content-Type", "application/json"}},
                                    R"({"description": "x"})"});
    EXPECT_EQ(patch.status, 403);
    EXPECT_EQ(patch.body, k_no_permission);
    const auto fields = get_as(lab, token, "/api/extras/custom-fields/");
    EXPECT_EQ(fields.status, 403);
    EXPECT_EQ(fields.body, k_no_permission);
  }
  EXPECT_EQ(lab.get("/api/dcim/devices/1/").body["description"], "") << "the refused PATCH changed nothing";
  const auto none = get_as(lab, k_no_permissions_token, "/api/dcim/devices/");
  EXPECT_EQ(none.status, 403);
  EXPECT_EQ(none.body, k_no_permission);
}

TEST(NetboxTokens, UsersConfigAnswersEveryValidTokenAndRefusesOthers) {
  Lab lab(5, 1);
  for (const auto& token : {k_lab_token, k_reader_token, k_site1_token, k_no_permissions_token}) {
    const auto config = get_as(lab, token, "/api/users/config/");
    EXPECT_EQ(config.status, 200) << config.raw;
    EXPECT_TRUE(config.body.is_object()) << config.raw;
  }
  const auto wrong = get_as(lab, std::string(40, '5'), "/api/users/config/");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.body, json({{"detail", "Invalid token"}}));
  const auto anonymous = lab.request({"GET", "/api/users/config/", {}, ""});
  EXPECT_EQ(anonymous.status, 403);
  EXPECT_EQ(anonymous.body, json({{"detail", "Authentication credentials were not provided."}}));
}

}  // namespace
}  // namespace nbsync::test
