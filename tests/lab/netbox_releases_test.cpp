// The lab as each NetBox release it emulates (--netbox-version 3.7|4.2|4.7), over real HTTP:
// the tokens each accepts and its words for the ones it refuses, what trims a device
// (fields=, omit=, exclude=) and the config context NetBox computes, 4.7's select custom
// fields and ETags, 3.7's event rules, and when API-Version is sent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/lab.hpp"

namespace nbsync::test {
namespace {

using json = nlohmann::json;

// The lab's superuser as a v2 token on 4.5 and later (lab/netbox_tokens.hpp).
const std::string k_lab_v2_token = "nbt_" + k_lab_token.substr(0, 12) + "." + k_lab_token;

LabReply get_with(Lab& lab, const std::string& authorization, const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& more = {}) {
  std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", authorization}};
  headers.insert(headers.end(), more.begin(), more.end());
  return lab.request({"GET", path, headers, ""});
}

std::string refusal(const LabReply& reply) {
  return reply.status == 403 ? reply.body.value("detail", "") : "HTTP " + std::to_string(reply.status);
}

TEST(NetboxReleases, V2TokensFrom47WithEitherKeywordAndV1TokensStill) {
  Lab lab(3, 1, {"--netbox-version", "4.7"});
  EXPECT_EQ(get_with(lab, "Bearer " + k_lab_v2_token, "/api/status/").status, 200);
  EXPECT_EQ(get_with(lab, "Token " + k_lab_v2_token, "/api/status/").status, 200);
  EXPECT_EQ(get_with(lab, "Token " + k_lab_token, "/api/status/").status, 200) << "v1 tokens go in NetBox 5.0";
  EXPECT_EQ(get_with(lab, "Bearer " + k_lab_token, "/api/status/").status, 200);
  EXPECT_EQ(refusal(get_with(lab, "Bearer nbt_000000000000.0000", "/api/status/")), "Invalid v2 token");
  EXPECT_EQ(refusal(get_with(lab, "Token " + std::string(40, '9'), "/api/status/")), "Invalid v1 token");
  EXPECT_EQ(lab.get("/api/status/").body["netbox-version"], "4.7.2");
  EXPECT_TRUE(lab.get("/api/status/").body.contains("installed_apps"));
}

TEST(NetboxReleases, Before45BearerIsAnonymousAndRefusalsSayInvalidToken) {
  Lab lab(3, 1, {"--netbox-version", "4.2"});
  EXPECT_EQ(refusal(get_with(lab, "Bearer " + k_lab_token, "/api/status/")),
            "Authentication credentials were not provided.");
  EXPECT_EQ(refusal(get_with(lab, "Token " + k_lab_v2_token, "/api/status/")), "Invalid token");
  EXPECT_EQ(refusal(get_with(lab, "Token " + std::string(40, '9'), "/api/status/")), "Invalid token");
}

TEST(NetboxReleases, ConfigContextIsHeavyAndComputedUnlessExcluded) {
  Lab lab(3, 1, {"--netbox-version", "4.7"});
  auto listed = [&] {
    return lab.request({"GET", "/lab/counters", {}, ""}).body["listed_config_contexts"].get<long>();
  };
  const auto full = lab.get("/api/dcim/devices/?limit=1").body["results"][0];
  ASSERT_TRUE(full.contains("config_context"));
  EXPECT_GT(full["config_context"].dump().size(), 3000u) << "a realistic context: what NetBox computes per device";
  EXPECT_TRUE(full["config_context"].contains("vlans"));
  EXPECT_EQ(listed(), 1);

  const auto trimmed = lab.get("/api/dcim/devices/?limit=2&fields=id,name,custom_fields").body["results"][0];
  EXPECT_EQ(trimmed.size(), 3u) << trimmed.dump();
  EXPECT_EQ(listed(), 3) << "fields= leaves the context out but NetBox still computes it";
  const auto omitted = lab.get("/api/dcim/devices/?limit=1&omit=config_context,comments").body["results"][0];
  EXPECT_FALSE(omitted.contains("config_context"));
  EXPECT_FALSE(omitted.contains("comments"));
  EXPECT_TRUE(omitted.contains("primary_ip4"));
  EXPECT_EQ(listed(), 4);
  const auto asked = lab.get("/api/dcim/devices/?limit=3&fields=id,name&exclude=config_context").body["results"];
  EXPECT_EQ(asked[0], json({{"id", asked[0]["id"]}, {"name", asked[0]["name"]}}));
  EXPECT_EQ(listed(), 4) << "exclude=config_context spares NetBox the work";
}

TEST(NetboxReleases, FieldsFrom40OmitFrom45) {
  Lab v37(3, 1, {"--netbox-version", "3.7"});
  Lab v42(3, 1, {"--netbox-version", "4.2"});
  const auto on_37 = v37.get("/api/dcim/devices/?limit=1&fields=id,name").body["results"][0];
  EXPECT_TRUE(on_37.contains("device_role")) << "3.7 ignores fields=";
  EXPECT_EQ(v42.get("/api/dcim/devices/?limit=1&fields=id,name").body["results"][0].size(), 2u);
  EXPECT_TRUE(v42.get("/api/dcim/devices/?limit=1&omit=config_context").body["results"][0].contains("config_context"))
      << "4.2 ignores omit=";
}

json select_field() {
  return {{"object_types", {"dcim.device"}},
          {"name", "ssh_profile"},
          {"type", "select"},
          {"choice_set",
           {{"name", "profiles"},
            {"extra_choices", json::array({json::array({"fast", "Fast lane"}), json::array({"slow", "Slow lane"})})}}}};
}

TEST(NetboxReleases, SelectCustomFieldsReadAsValueAndLabelOn47) {
  for (const std::string release : {"4.2", "4.7"}) {
    Lab lab(3, 1, {"--netbox-version", release});
    ASSERT_EQ(lab.send("POST", "/api/extras/custom-fields/", select_field()).status, 201);
    const auto patched = lab.send("PATCH", "/api/dcim/devices/1/", {{"custom_fields", {{"ssh_profile", "fast"}}}});
    ASSERT_EQ(patched.status, 200) << patched.raw;
    const json expected = release == "4.7" ? json({{"value", "fast"}, {"label", "Fast lane"}}) : json("fast");
    EXPECT_EQ(patched.body["custom_fields"]["ssh_profile"], expected) << release;
    EXPECT_EQ(lab.get("/api/dcim/devices/1/").body["custom_fields"]["ssh_profile"], expected) << release;
  }
}

TEST(NetboxReleases, EtagOn47AndAStaleIfMatchIs412) {
  Lab lab(3, 1, {"--netbox-version", "4.7"});
  const auto read = lab.get("/api/dcim/devices/2/");
  const auto etag = read.response.header("etag");
  ASSERT_TRUE(etag.has_value());
  auto patch = [&](const std::string& if_match) {
    return lab.request(
        {"PATCH",
         "/api/dcim/devices/2/",
         {{"Authorization", "Token " + k_lab_token}, {"Content-Type", "application/json"}, {"If-Match", if_match}},
         R"({"description": "x"})"});
  };
  const auto first = patch(*etag);
  ASSERT_EQ(first.status, 200) << first.raw;
  EXPECT_NE(first.response.header("etag"), etag) << "the device changed";
  EXPECT_EQ(patch(*etag).status, 412) << "the ETag read before the change is stale";
}

TEST(NetboxReleases, UnknownCustomFieldIsRefusedInEachReleasesWords) {
  for (const std::string release : {"4.2", "4.7"}) {
    Lab lab(3, 1, {"--netbox-version", release});
    const auto refused = lab.send("PATCH", "/api/dcim/devices/1/", {{"custom_fields", {{"nope", "x"}}}});
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(refused.body,
              release == "4.7"
                  ? json({{"custom_fields", {{"nope", "Custom field 'nope' does not exist for this object type."}}}})
                  : json({{"__all__", {"Unknown field name 'nope' in custom field data."}}}));
  }
}

json webhook() {
  return {{"name", "hook"}, {"payload_url", "http://127.0.0.1:9/hook"}};
}

TEST(NetboxReleases, EventRulesOn37TakeContentTypesAndTypeFlags) {
  Lab lab(3, 1, {"--netbox-version", "3.7"});
  ASSERT_EQ(lab.send("POST", "/api/extras/webhooks/", webhook()).status, 201);
  const json rule_4x = {{"name", "r"},
                        {"object_types", {"dcim.device"}},
                        {"event_types", {"object_updated"}},
                        {"action_type", "webhook"},
                        {"action_object_type", "extras.webhook"},
                        {"action_object_id", 1}};
  const auto refused = lab.send("POST", "/api/extras/event-rules/", rule_4x);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.body, json({{"content_types", {"This field is required."}}}));

  json rule_37 = rule_4x;
  rule_37.erase("object_types");
  rule_37.erase("event_types");
  rule_37["content_types"] = {"dcim.device"};
  const auto no_type = lab.send("POST", "/api/extras/event-rules/", rule_37);
  EXPECT_EQ(no_type.status, 400);
  EXPECT_THAT(no_type.body["__all__"][0].get<std::string>(), ::testing::HasSubstr("At least one event type"));

  rule_37["type_update"] = true;
  const auto created = lab.send("POST", "/api/extras/event-rules/", rule_37);
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["content_types"], json::array({"dcim.device"}));
  EXPECT_EQ(created.body["type_update"], true);
  EXPECT_EQ(created.body["type_create"], false);
  EXPECT_FALSE(created.body.contains("event_types"));
  EXPECT_EQ(lab.get("/api/extras/event-rules/").body["results"][0]["type_update"], true);
}

TEST(NetboxReleases, ApiVersionBefore435OnlyWithAJsonContentType) {
  for (const std::string release : {"3.7", "4.2", "4.7"}) {
    Lab lab(3, 1, {"--netbox-version", release});
    const auto plain = get_with(lab, "Token " + k_lab_token, "/api/status/");
    const auto with_type =
        get_with(lab, "Token " + k_lab_token, "/api/status/", {{"Content-Type", "application/json"}});
    EXPECT_EQ(with_type.response.header("api-version"), release);
    EXPECT_EQ(plain.response.header("api-version").has_value(), release == "4.7") << release;
  }
}

}  // namespace
}  // namespace nbsync::test
