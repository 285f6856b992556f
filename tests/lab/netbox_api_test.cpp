// nbsync-lab's NetBox API over real HTTP: auth, paging, filters, writes, errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "tests/support/lab.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

json device_field(const std::string& name, const std::string& type) {
  return {{"object_types", {"dcim.device"}},
          {"name", name},
          {"type", type},
          {"group_name", "nbsync"},
          {"ui_editable", "no"}};
}

TEST(NetboxApi, StatusAndRootAnswerWithApiVersionHeader) {
  Lab lab(20, 1);
  const auto status = lab.get("/api/status/");
  ASSERT_EQ(status.status, 200);
  EXPECT_EQ(status.body["netbox-version"], "4.2.2");
  EXPECT_TRUE(status.body.contains("installed-apps"));
  EXPECT_FALSE(status.response.header("api-version")) << "4.2 sends it only to a JSON Content-Type";
  const auto typed = lab.request(
      {"GET", "/api/status/", {{"Authorization", "Token " + k_lab_token}, {"Content-Type", "application/json"}}, ""});
  EXPECT_EQ(typed.response.header("api-version"), "4.2");
  const auto root = lab.get("/api/");
  ASSERT_EQ(root.status, 200);
  EXPECT_EQ(root.body["dcim"], lab.url() + "/api/dcim/");
}

TEST(NetboxApi, RefusesMissingOrWrongTokensWithNetboxBodies) {
  Lab lab(5, 1);
  auto anonymous = lab.request({"GET", "/api/dcim/devices/", {}, ""});
  EXPECT_EQ(anonymous.status, 403);
  EXPECT_EQ(anonymous.body, json({{"detail", "Authentication credentials were not provided."}}));
  auto wrong = lab.request(
      {"GET", "/api/dcim/devices/", {{"Authorization", "Token 0000000000000000000000000000000000000000"}}, ""});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.body, json({{"detail", "Invalid token"}}));
  auto bearer = lab.request({"GET", "/api/dcim/devices/", {{"Authorization", "Bearer " + k_lab_token}}, ""});
  EXPECT_EQ(bearer.status, 403) << "NetBox 4.2 ignores Bearer";
  auto empty = lab.request({"GET", "/api/status/", {{"Authorization", "Token "}}, ""});
  EXPECT_EQ(empty.body["detail"], "Invalid token header. No credentials provided.");
}

TEST(NetboxApi, PagesLikeNetbox) {
  Lab lab(120, 3);
  const auto first = lab.get("/api/dcim/devices/");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body["count"], 120);
  EXPECT_EQ(first.body["results"].size(), 50u);  // PAGINATE_COUNT
  EXPECT_EQ(first.body["previous"], nullptr);
  EXPECT_EQ(first.body["next"], lab.url() + "/api/dcim/devices/?limit=50&offset=50");
  const auto second = lab.get(first.body["next"]);
  EXPECT_EQ(second.body["previous"], lab.url() + "/api/dcim/devices/?limit=50");
  EXPECT_EQ(lab.get("/api/dcim/devices/?limit=0").body["results"].size(), 120u);     // limit=0: MAX_PAGE_SIZE
  EXPECT_EQ(lab.get("/api/dcim/devices/?limit=5000").body["results"].size(), 120u);  // capped, not refused
  const auto past = lab.get("/api/dcim/devices/?limit=10&offset=120");
  EXPECT_EQ(past.status, 200);
  EXPECT_TRUE(past.body["results"].empty());
  EXPECT_EQ(past.body["next"], nullptr);
  // Keys of next are sorted and the filters are kept.
  EXPECT_EQ(lab.get("/api/dcim/devices/?status=active&limit=5").body["next"],
            lab.url() + "/api/dcim/devices/?limit=5&offset=5&status=active");
  const auto all = lab.walk("/api/dcim/devices/?limit=7");
  std::set<std::int64_t> ids;
  for (const auto& d : all) {
    ids.insert(d["id"].get<std::int64_t>());
  }
  EXPECT_EQ(ids.size(), 120u);
}

TEST(NetboxApi, FleetIsDeterministicAndMessyLikeARealInventory) {
  std::vector<json> first, second;
  {
    Lab lab(1000, 42);
    first = lab.walk("/api/dcim/devices/?limit=1000&exclude=config_context");
  }
  {
    Lab lab(1000, 42);
    second = lab.walk("/api/dcim/devices/?limit=1000&exclude=config_context");
  }
  ASSERT_EQ(first.size(), 1000u);
  int no_ip = 0, no_platform = 0, offline = 0, planned = 0, non_ascii = 0;
  std::set<std::string> addresses;
  std::map<std::string, std::set<std::string>> sites_by_name;
  std::set<std::string> platforms;
  for (std::size_t i = 0; i < first.size(); ++i) {
    const auto& d = first[i];
    EXPECT_EQ(d["name"], second[i]["name"]);
    EXPECT_EQ(d["primary_ip4"].is_null() ? json() : d["primary_ip4"]["address"],
              second[i]["primary_ip4"].is_null() ? json() : second[i]["primary_ip4"]["address"]);
    EXPECT_EQ(d["serial"], second[i]["serial"]);
    EXPECT_EQ(d["site"]["slug"], second[i]["site"]["slug"]);
    EXPECT_EQ(d["platform"].is_null() ? json() : d["platform"]["slug"],
              second[i]["platform"].is_null() ? json() : second[i]["platform"]["slug"]);
    if (d["primary_ip4"].is_null()) {
      ++no_ip;
    } else {
      const std::string address = d["primary_ip4"]["address"];
      EXPECT_TRUE(address.starts_with("127.")) << address;
      EXPECT_NE(address, "127.0.0.1/32");
      addresses.insert(address);
    }
    if (d["platform"].is_null()) {
      ++no_platform;
    } else {
      platforms.insert(d["platform"]["slug"]);
    }
    offline += d["status"]["value"] == "offline";
    planned += d["status"]["value"] == "planned";
    if (d["name"].is_string()) {
      const std::string name = d["name"];
      non_ascii += std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
      sites_by_name[name].insert(d["site"]["slug"]);
    }
  }
  EXPECT_EQ(addresses.size(), 1000u - static_cast<std::size_t>(no_ip)) << "addresses are distinct";
  EXPECT_GE(no_ip, 5);
  EXPECT_LE(no_ip, 40);  // about 2 %
  EXPECT_GT(no_platform, 0);
  EXPECT_GT(offline, 0);
  EXPECT_GT(planned, 0);
  EXPECT_GE(non_ascii, 1);
  for (const char* slug : {"cisco-ios", "cisco-nxos", "arista-eos", "juniper-junos"}) {
    EXPECT_TRUE(platforms.count(slug)) << slug;
  }
  EXPECT_GT(platforms.size(), 4u) << "some platforms nbsync has no profile for";
  EXPECT_TRUE(std::any_of(sites_by_name.begin(), sites_by_name.end(), [](const auto& e) {
    return e.second.size() > 1;
  })) << "some names repeat across sites";
}

TEST(NetboxApi, FiltersNarrowTheListAndBadSlugsGetNetbox400) {
  Lab lab(300, 5);
  const auto all = lab.walk("/api/dcim/devices/?limit=1000");
  auto count = [&](const std::string& query) {
    return lab.get("/api/dcim/devices/?" + query).body["count"].get<int>();
  };
  auto expected = [&](auto predicate) { return static_cast<int>(std::count_if(all.begin(), all.end(), predicate)); };

  EXPECT_EQ(count("status=active"), expected([](const json& d) { return d["status"]["value"] == "active"; }));
  EXPECT_EQ(count("status=offline&status=planned"), expected([](const json& d) {
              return d["status"]["value"] == "offline" || d["status"]["value"] == "planned";
            }));
  EXPECT_EQ(count("platform=juniper-junos"), expected([](const json& d) {
              return !d["platform"].is_null() && d["platform"]["slug"] == "juniper-junos";
            }));
  EXPECT_EQ(count("site=fra1"), expected([](const json& d) { return d["site"]["slug"] == "fra1"; }));
  EXPECT_EQ(count("has_primary_ip=false"), expected([](const json& d) { return d["primary_ip4"].is_null(); }));
  EXPECT_EQ(count("has_primary_ip=1"), 300) << "1/0 are ignored like NetBox does";
  auto has_tag = [](const json& d, const std::string& slug) {
    return std::any_of(d["tags"].begin(), d["tags"].end(), [&](const json& t) { return t["slug"] == slug; });
  };
  EXPECT_EQ(count("tag=backup&tag=core"),
            expected([&](const json& d) { return has_tag(d, "backup") && has_tag(d, "core"); }));
  EXPECT_EQ(count("tenant=retail"),
            expected([](const json& d) { return !d["tenant"].is_null() && d["tenant"]["slug"] == "retail"; }));
  EXPECT_EQ(count("role=firewall"), expected([](const json& d) { return d["role"]["slug"] == "firewall"; }));
  EXPECT_EQ(count("id=3&id=9"), 2);
  EXPECT_EQ(count("id__gt=290"), 10);
  const std::string name = all[10]["name"];
  EXPECT_GE(count("name=" + name), 1);
  EXPECT_EQ(count("q=127.1.0.12"), expected([](const json& d) {
              return !d["primary_ip4"].is_null() &&
                     d["primary_ip4"]["address"].get<std::string>().find("127.1.0.12") != std::string::npos;
            }));
  EXPECT_EQ(count("last_updated__gte=2099-01-01T00:00:00Z"), 0);
  EXPECT_EQ(count("last_updated__gte=2000-01-01T00:00:00%2B00:00"), 300);
  EXPECT_EQ(count("typo_filter=x"), 300) << "unknown parameters are ignored";

  const auto bad_site = lab.get("/api/dcim/devices/?site=atlantis");
  EXPECT_EQ(bad_site.status, 400);
  EXPECT_EQ(bad_site.body, json({{"site", {"Select a valid choice. atlantis is not one of the available choices."}}}));
  EXPECT_EQ(lab.get("/api/dcim/devices/?status=broken").status, 400);
}

TEST(NetboxApi, BriefAndExcludeTrimDevices) {
  Lab lab(5, 1);
  const auto brief = lab.get("/api/dcim/devices/?brief=true&limit=1");
  const auto& d = brief.body["results"][0];
  EXPECT_EQ(d.size(), 5u);
  for (const char* key : {"id", "url", "display", "name", "description"}) {
    EXPECT_TRUE(d.contains(key)) << key;
  }
  EXPECT_FALSE(
      lab.get("/api/dcim/devices/?exclude=config_context&limit=1").body["results"][0].contains("config_context"));
  EXPECT_TRUE(lab.get("/api/dcim/devices/?limit=1").body["results"][0].contains("config_context"));
}

TEST(NetboxApi, DeviceDetailAndMissingDevice) {
  Lab lab(5, 1);
  const auto list = lab.get("/api/dcim/devices/?limit=1");
  const std::string url = list.body["results"][0]["url"];
  const auto detail = lab.get(url);  // url fields are absolute and followable
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(detail.body["id"], list.body["results"][0]["id"]);
  const auto missing = lab.get("/api/dcim/devices/999999/");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, json({{"detail", "No Device matches the given query."}}));
}

TEST(NetboxApi, CustomFieldsAreCreatedOnceAndAppearOnEveryDevice) {
  Lab lab(5, 1);
  const auto created = lab.send("POST", "/api/extras/custom-fields/", device_field("nbsync_status", "text"));
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["type"]["value"], "text");
  EXPECT_EQ(created.body["ui_editable"]["value"], "no");
  const auto duplicate = lab.send("POST", "/api/extras/custom-fields/", device_field("nbsync_status", "text"));
  EXPECT_EQ(duplicate.status, 400);
  EXPECT_EQ(duplicate.body, json({{"name", {"custom field with this name already exists."}}}));
  EXPECT_EQ(lab.send("POST", "/api/extras/custom-fields/", device_field("Bad-Name", "text")).status, 400);
  EXPECT_EQ(lab.send("POST", "/api/extras/custom-fields/", device_field("x", "colour")).body["type"],
            json({"\"colour\" is not a valid choice."}));
  EXPECT_EQ(lab.get("/api/extras/custom-fields/?name=nbsync_status").body["count"], 1);
  EXPECT_EQ(lab.get("/api/extras/custom-fields/?name=other").body["count"], 0);
  const auto device = lab.get("/api/dcim/devices/1/");
  EXPECT_EQ(device.body["custom_fields"], json({{"nbsync_status", nullptr}}));
}

TEST(NetboxApi, PatchMergesCustomFieldsAndRejectsUnknownOnes) {
  Lab lab(5, 1);
  ASSERT_EQ(lab.send("POST", "/api/extras/custom-fields/", device_field("nbsync_status", "text")).status, 201);
  ASSERT_EQ(lab.send("POST", "/api/extras/custom-fields/", device_field("nbsync_last_backup", "datetime")).status, 201);
  const std::string before = lab.get("/api/dcim/devices/2/").body["last_updated"];
  auto patched =
      lab.send("PATCH", "/api/dcim/devices/2/",
               {{"custom_fields", {{"nbsync_status", "ok"}, {"nbsync_last_backup", "2025-06-01T02:00:00+00:00"}}}});
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.body["custom_fields"]["nbsync_status"], "ok");
  EXPECT_EQ(patched.body["custom_fields"]["nbsync_last_backup"], "2025-06-01T02:00:00Z");
  EXPECT_NE(patched.body["last_updated"], before);
  // Keys left out keep their values; null clears one.
  patched = lab.send("PATCH", "/api/dcim/devices/2/", {{"custom_fields", {{"nbsync_last_backup", nullptr}}}});
  EXPECT_EQ(patched.body["custom_fields"]["nbsync_status"], "ok");
  EXPECT_EQ(patched.body["custom_fields"]["nbsync_last_backup"], nullptr);
  const auto unknown = lab.send("PATCH", "/api/dcim/devices/2/", {{"custom_fields", {{"nope", 1}}}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body, json({{"__all__", {"Unknown field name 'nope' in custom field data."}}}));
  const auto bad =
      lab.send("PATCH", "/api/dcim/devices/2/", {{"custom_fields", {{"nbsync_last_backup", "yesterday"}}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body["__all__"][0].get<std::string>(),
              HasSubstr("Invalid value for custom field 'nbsync_last_backup'"));
  EXPECT_EQ(lab.send("PATCH", "/api/dcim/devices/2/", {{"status", "sleepy"}}).body,
            json({{"status", {"\"sleepy\" is not a valid choice."}}}));
  EXPECT_EQ(lab.send("PATCH", "/api/dcim/devices/99999/", {{"status", "active"}}).status, 404);
  // The cf_ filter finds the patched device.
  EXPECT_EQ(lab.get("/api/dcim/devices/?cf_nbsync_status=ok").body["count"], 1);
}

TEST(NetboxApi, BulkPatchIsAllOrNothingAndSkipsUnknownIds) {
  Lab lab(10, 1);
  ASSERT_EQ(lab.send("POST", "/api/extras/custom-fields/", device_field("nbsync_status", "text")).status, 201);
  const auto ok = lab.send("PATCH", "/api/dcim/devices/",
                           json::array({{{"id", 5}, {"custom_fields", {{"nbsync_status", "ok"}}}},
                                        {{"id", 2}, {"custom_fields", {{"nbsync_status", "failed"}}}},
                                        {{"id", 424242}, {"custom_fields", {{"nbsync_status", "ok"}}}}}));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  ASSERT_EQ(ok.body.size(), 2u);
  EXPECT_EQ(ok.body[0]["id"], 2);  // model order, not request order
  EXPECT_EQ(ok.body[1]["id"], 5);
  const auto no_id = lab.send("PATCH", "/api/dcim/devices/", json::array({{{"id", 1}}, {{"status", "active"}}}));
  EXPECT_EQ(no_id.status, 400);
  EXPECT_EQ(no_id.body, json::parse(R"([{}, {"id": ["This field is required."]}])"));
  const auto invalid = lab.send("PATCH", "/api/dcim/devices/",
                                json::array({{{"id", 3}, {"custom_fields", {{"nbsync_status", "changed"}}}},
                                             {{"id", 4}, {"custom_fields", {{"unknown_cf", "x"}}}}}));
  EXPECT_EQ(invalid.status, 400);
  EXPECT_TRUE(invalid.body.is_object()) << "one item's error dict, no index";
  EXPECT_EQ(lab.get("/api/dcim/devices/3/").body["custom_fields"]["nbsync_status"], nullptr) << "nothing applied";
}

TEST(NetboxApi, JournalEntriesAreCreatedAndFilteredNewestFirst) {
  Lab lab(5, 1);
  const auto one = lab.send("POST", "/api/extras/journal-entries/",
                            {{"assigned_object_type", "dcim.device"},
                             {"assigned_object_id", 3},
                             {"kind", "warning"},
                             {"comments", "Backup failed"}});
  ASSERT_EQ(one.status, 201) << one.raw;
  EXPECT_EQ(one.body["kind"], json({{"value", "warning"}, {"label", "Warning"}}));
  EXPECT_EQ(one.body["assigned_object"]["id"], 3);
  const auto many = lab.send(
      "POST", "/api/extras/journal-entries/",
      json::array(
          {{{"assigned_object_type", "dcim.device"}, {"assigned_object_id", 3}, {"comments", "Config changed (+3/-1)"}},
           {{"assigned_object_type", "dcim.device"},
            {"assigned_object_id", 4},
            {"kind", "success"},
            {"comments", "Recovered"}}}));
  ASSERT_EQ(many.status, 201);
  EXPECT_EQ(many.body.size(), 2u);
  EXPECT_EQ(many.body[0]["kind"]["value"], "info");  // the default kind
  const auto listed = lab.get("/api/extras/journal-entries/?assigned_object_type=dcim.device&assigned_object_id=3");
  ASSERT_EQ(listed.body["count"], 2);
  EXPECT_EQ(listed.body["results"][0]["comments"], "Config changed (+3/-1)") << "newest first";
  EXPECT_EQ(lab.get("/api/extras/journal-entries/?kind=success").body["count"], 1);
  const auto bad_object =
      lab.send("POST", "/api/extras/journal-entries/",
               {{"assigned_object_type", "dcim.device"}, {"assigned_object_id", 999}, {"comments", "x"}});
  EXPECT_EQ(bad_object.status, 400);
  EXPECT_THAT(bad_object.body["non_field_errors"][0].get<std::string>(), HasSubstr("Invalid assigned_object"));
  const auto no_comments = lab.send("POST", "/api/extras/journal-entries/",
                                    {{"assigned_object_type", "dcim.device"}, {"assigned_object_id", 1}});
  EXPECT_EQ(no_comments.body, json({{"comments", {"This field is required."}}}));
}

TEST(NetboxApi, CustomLinksAndPlatforms) {
  Lab lab(50, 1);
  const json link = {{"name", "nbsync history"},      {"object_types", {"dcim.device"}},
                     {"link_text", "Config history"}, {"link_url", "https://nbsync.example/d/{{ object.id }}"},
                     {"button_class", "blue"},        {"new_window", true}};
  const auto created = lab.send("POST", "/api/extras/custom-links/", link);
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["link_text"], "Config history");
  EXPECT_EQ(lab.send("POST", "/api/extras/custom-links/", link).status, 400);
  EXPECT_EQ(lab.get("/api/extras/custom-links/?name=nbsync%20history").body["count"], 1);
  const auto platforms = lab.get("/api/dcim/platforms/");
  ASSERT_EQ(platforms.status, 200);
  EXPECT_GE(platforms.body["count"].get<int>(), 4);
  int devices = 0;
  for (const auto& p : platforms.body["results"]) {
    devices += p["device_count"].get<int>();
  }
  EXPECT_LE(devices, 50);
  EXPECT_EQ(lab.get("/api/dcim/platforms/?slug=arista-eos").body["count"], 1);
}

TEST(NetboxApi, ErrorsLookLikeNetbox) {
  Lab lab(5, 1);
  const auto unknown = lab.get("/api/dcim/routers/");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(unknown.response.header("content-type").value_or(""), HasSubstr("text/html"));
  const auto method = lab.send("PUT", "/api/dcim/devices/", json::array());
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.body, json({{"detail", "Method \"PUT\" not allowed."}}));
  const auto media = lab.request({"POST",
                                  "/api/extras/journal-entries/",
                                  {{"Authorization", "Token " + k_lab_token}, {"Content-Type", "text/plain"}},
                                  "x"});
  EXPECT_EQ(media.status, 415);
  EXPECT_EQ(media.body, json({{"detail", "Unsupported media type \"text/plain\" in request."}}));
  const auto parse = lab.request({"POST",
                                  "/api/extras/journal-entries/",
                                  {{"Authorization", "Token " + k_lab_token}, {"Content-Type", "application/json;"}},
                                  "{nope"});
  EXPECT_EQ(parse.status, 400);
  EXPECT_THAT(parse.body["detail"].get<std::string>(), HasSubstr("JSON parse error"));
  const auto version =
      lab.request({"GET",
                   "/api/status/",
                   {{"Authorization", "Token " + k_lab_token}, {"Accept", "application/json; version=3.7"}},
                   ""});
  EXPECT_EQ(version.status, 406);
  const auto right_version =
      lab.request({"GET",
                   "/api/status/",
                   {{"Authorization", "Token " + k_lab_token}, {"Accept", "application/json; version=4.2"}},
                   ""});
  EXPECT_EQ(right_version.status, 200);
}

}  // namespace
}  // namespace nbsync::test
