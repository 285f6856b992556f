// nbsync against each NetBox release the lab emulates (nbsync-lab --netbox-version): setup
// creates its custom fields and link in that release's terms (3.7: `content_types`), and a
// cycle writes the device pages (custom fields, journal entries) the same way on each; on
// 4.7 with a v2 token (Bearer), and on each without NetBox computing a config context.
#include <fstream>

#include "tests/e2e/notify_fixture.hpp"

namespace nbsync::test {
namespace {

class NetboxVersions : public NotifyFixture, public ::testing::WithParamInterface<std::string> {
protected:
  std::string types_key() const { return GetParam() == "3.7" ? "content_types" : "object_types"; }
};

TEST_P(NetboxVersions, SetupAndACycleWriteTheDevicePages) {
  start_reporting(30, 21, "", "drain_timeout = \"3s\"\n", "", {"--netbox-version", GetParam()});
  const auto failing = reachable[1];
  set_fault(failing, "wrong_password");
  EXPECT_EQ(lab->get("/api/status/").body["netbox-version"].get<std::string>().rfind(GetParam() + ".", 0), 0u);
  const auto field = lab->get("/api/extras/custom-fields/?name=nbsync_backup_status").body["results"];
  ASSERT_EQ(field.size(), 1u);
  EXPECT_EQ(field[0][types_key()], json::array({"dcim.device"}));
  const auto link = lab->get("/api/extras/custom-links/").body["results"];
  ASSERT_EQ(link.size(), 1u);
  EXPECT_EQ(link[0][types_key()], json::array({"dcim.device"}));

  if (GetParam() == "4.7") {  // the superuser's v2 token (lab/netbox_tokens.hpp) from here on
    dir.write("netbox.token", "nbt_" + k_lab_token.substr(0, 12) + "." + k_lab_token + "\n");
  }
  reset_counters();
  const auto run = run_nbsync();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size() - 1) << run.out;
  const auto backed_up = device(reachable[0]);
  EXPECT_EQ(backed_up["custom_fields"]["nbsync_backup_status"], "ok");
  EXPECT_EQ(backed_up["custom_fields"]["nbsync_config_hash"].get<std::string>().size(), 12u)
      << "12 hex digits fit the device page's column";
  EXPECT_EQ(counters()["listed_config_contexts"], 0) << "the walk asks NetBox not to compute config contexts";
  EXPECT_EQ(device(failing)["custom_fields"]["nbsync_backup_status"], "auth");
  EXPECT_EQ(journal(failing)["results"][0]["kind"]["value"], "danger") << "a failure is a journal entry";
  EXPECT_EQ(backed_up.contains("device_role"), GetParam() == "3.7") << "3.7 devices carry device_role too";

  const auto again = nbsync({"netbox-setup"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, ::testing::Not(::testing::HasSubstr("created")));
}

// "3.7" -> "NetBox37"
std::string release_name(const ::testing::TestParamInfo<std::string>& release) {
  return "NetBox" + release.param.substr(0, 1) + release.param.substr(2);
}

INSTANTIATE_TEST_SUITE_P(Releases, NetboxVersions, ::testing::Values("3.7", "4.2", "4.7"), release_name);

// The lab as 3.7 refuses a 4.x custom field body exactly as a real NetBox 3.7.8 did
// (shared/netbox/real/400-custom-field-object_types.json).
TEST(NetboxVersions37, RefusesObjectTypesAsARealNetbox37Does) {
  const std::string real = std::string(NBSYNC_SOURCE_DIR) + "/../shared/netbox/real/400-custom-field-object_types.json";
  std::ifstream file(real);
  if (!file) {
    GTEST_SKIP() << "no " << real << " (a clone without ../shared)";
  }
  const json expected = json::parse(file);
  Lab lab(10, 1, {"--netbox-version", "3.7"});
  const auto refused = lab.send("POST", "/api/extras/custom-fields/",
                                {{"object_types", {"dcim.device"}}, {"name", "x"}, {"type", "text"}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.body, expected);
}

}  // namespace
}  // namespace nbsync::test
