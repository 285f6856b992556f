// nbsync-lab's /lab/ endpoints: injected API faults, request counters, the Slack sink,
// device changes, and state kept across a restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/lab.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

LabReply lab_post(Lab& lab, const std::string& path, const json& body) {
  return lab.request({"POST", path, {{"Content-Type", "application/json"}}, body.dump()});
}

TEST(LabFaults, StatusFaultsAnswerThenTheApiRecovers) {
  Lab lab(10, 1);
  ASSERT_EQ(lab_post(lab, "/lab/faults", {{"kind", "status"}, {"status", 500}, {"count", 2}}).status, 201);
  for (int i = 0; i < 2; ++i) {
    const auto failed = lab.get("/api/dcim/devices/");
    EXPECT_EQ(failed.status, 500);
    EXPECT_EQ(failed.body["netbox_version"], "4.2.2");
    EXPECT_TRUE(failed.body.contains("exception"));
  }
  EXPECT_EQ(lab.get("/api/dcim/devices/").status, 200) << "only K requests fail";

  lab_post(lab, "/lab/faults", {{"kind", "status"}, {"status", 502}});
  const auto bad_gateway = lab.get("/api/dcim/devices/");
  EXPECT_EQ(bad_gateway.status, 502);
  EXPECT_TRUE(bad_gateway.body.is_discarded()) << "a proxy's HTML page, not JSON";

  lab_post(lab, "/lab/faults", {{"kind", "status"}, {"status", 429}, {"retry_after", 3}});
  const auto limited = lab.get("/api/dcim/devices/");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.response.retry_after(), std::chrono::seconds(3));
}

TEST(LabFaults, FaultsMatchPathAndMethod) {
  Lab lab(10, 1);
  lab_post(lab, "/lab/faults", {{"kind", "status"}, {"status", 503}, {"path", "/api/extras/"}, {"method", "POST"}});
  EXPECT_EQ(lab.get("/api/dcim/devices/").status, 200);
  EXPECT_EQ(lab.get("/api/extras/journal-entries/").status, 200);
  EXPECT_EQ(lab.send("POST", "/api/extras/journal-entries/", {{"comments", "x"}}).status, 503);
  EXPECT_EQ(lab.get("/lab/faults").body["pending"].size(), 0u);
  EXPECT_EQ(lab_post(lab, "/lab/faults", {{"kind", "teleport"}}).status, 400);
}

TEST(LabFaults, AFaultOnAWriteReadsItsBodySoTheNextRequestOnTheConnectionIsUnharmed) {
  Lab lab(10, 1);
  lab_post(lab, "/lab/faults",
           {{"kind", "status"}, {"status", 503}, {"path", "/api/dcim/devices/"}, {"method", "PATCH"}});
  // One kept-alive connection, as nbsync's sender uses: a 503 to a PATCH with a body, then
  // a real PATCH. If the lab left the first body unread, the second would be garbage (400/414).
  const json body = json::array({{{"id", 1}, {"comments", std::string(20000, 'x')}}});  // more than one read
  EXPECT_EQ(lab.send("PATCH", "/api/dcim/devices/", body).status, 503);
  const auto next = lab.send("PATCH", "/api/dcim/devices/", json::array({{{"id", 1}, {"description", "after"}}}));
  EXPECT_EQ(next.status, 200) << next.raw;
  EXPECT_EQ(lab.get("/api/dcim/devices/1/").body["description"], "after");
}

TEST(LabFaults, LateAppliesTheWriteThenAnswersAfterTheClientGaveUp) {
  Lab lab(10, 1);
  lab_post(lab, "/lab/faults", {{"kind", "late"}, {"stall_seconds", 3}, {"method", "POST"}});
  http::HttpClient impatient(
      {std::chrono::milliseconds(1000), std::chrono::milliseconds(1000), true, "", 1 << 20, "t"});
  const auto timed_out =
      impatient.send({"POST",
                      lab.url() + "/api/extras/journal-entries/",
                      {{"Authorization", "Token " + k_lab_token}, {"Content-Type", "application/json"}},
                      json({{"assigned_object_type", "dcim.device"},
                            {"assigned_object_id", 2},
                            {"kind", "info"},
                            {"comments", "late one"}})
                          .dump()});
  EXPECT_EQ(timed_out.status, 0) << "the client timed out";
  const auto entries = lab.get("/api/extras/journal-entries/?assigned_object_id=2");
  EXPECT_EQ(entries.body["count"], 1) << "yet NetBox wrote it";
}

TEST(LabFaults, StallDelaysTheAnswerPastAClientTimeout) {
  Lab lab(10, 1);
  lab_post(lab, "/lab/faults", {{"kind", "stall"}, {"stall_seconds", 3}});
  http::HttpClient impatient(
      {std::chrono::milliseconds(1000), std::chrono::milliseconds(1000), true, "", 1 << 20, "t"});
  const auto timed_out =
      impatient.send({"GET", lab.url() + "/api/status/", {{"Authorization", "Token " + k_lab_token}}, ""});
  EXPECT_EQ(timed_out.status, 0);
  EXPECT_THAT(timed_out.error, HasSubstr("imeout"));
  lab_post(lab, "/lab/faults", {{"kind", "stall"}, {"stall_seconds", 0.5}});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(lab.get("/api/status/").status, 200) << "a stall ends in the real answer";
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(450));
}

TEST(LabFaults, CutBodyMalformedJsonAndBrokenNext) {
  Lab lab(120, 1);
  lab_post(lab, "/lab/faults", {{"kind", "cut_body"}});
  const auto cut = lab.get("/api/dcim/devices/");
  EXPECT_EQ(cut.status, 0) << "the connection closed before the whole body";
  EXPECT_FALSE(cut.response.error.empty());

  lab_post(lab, "/lab/faults", {{"kind", "malformed_json"}});
  const auto malformed = lab.get("/api/dcim/devices/");
  EXPECT_EQ(malformed.status, 200);
  EXPECT_TRUE(malformed.body.is_discarded());

  lab_post(lab, "/lab/faults", {{"kind", "broken_next"}});
  const auto page = lab.get("/api/dcim/devices/?limit=50");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(page.body["next"].is_null()) << "the first page says it is the last: a walk that trusts it loses devices";
  EXPECT_EQ(page.body["count"], 120);
  EXPECT_EQ(page.body["results"].size(), 50u);
}

TEST(LabCounters, CountRequestsByMethodAndPathTemplate) {
  Lab lab(10, 1);
  lab.get("/api/dcim/devices/");
  lab.get("/api/dcim/devices/3/");
  lab.get("/api/dcim/devices/4/");
  lab.send("PATCH", "/api/dcim/devices/4/", {{"status", "active"}});
  auto counters = lab.request({"GET", "/lab/counters", {}, ""}).body;
  EXPECT_EQ(counters["requests"]["GET /api/dcim/devices/"], 1);
  EXPECT_EQ(counters["requests"]["GET /api/dcim/devices/{id}/"], 2);
  EXPECT_EQ(counters["requests"]["PATCH /api/dcim/devices/{id}/"], 1);
  EXPECT_EQ(counters["total"], 4);
  lab.request({"DELETE", "/lab/counters", {}, ""});
  EXPECT_EQ(lab.request({"GET", "/lab/counters", {}, ""}).body["total"], 0);
}

TEST(LabSlack, RecordsMessagesAndRefusesOnDemand) {
  Lab lab(1, 1);
  EXPECT_EQ(lab_post(lab, "/lab/slack/ops", {{"text", "2 configs changed"}}).raw, "ok");
  ASSERT_EQ(lab_post(lab, "/lab/slack/ops/fail", {{"status", 429}, {"count", 1}, {"retry_after", 2}}).status, 200);
  const auto limited = lab_post(lab, "/lab/slack/ops", {{"text", "again"}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.response.retry_after(), std::chrono::seconds(2));
  lab_post(lab, "/lab/slack/ops/fail", {{"status", 500}});
  EXPECT_EQ(lab_post(lab, "/lab/slack/ops", {{"text", "again"}}).status, 500);
  EXPECT_EQ(lab.request({"POST", "/lab/slack/ops", {{"Content-Type", "application/json"}}, "{oops"}).raw,
            "invalid_payload");
  EXPECT_EQ(lab_post(lab, "/lab/slack/ops", {{"text", "third"}}).status, 200);
  const auto seen = lab.request({"GET", "/lab/slack/ops/messages", {}, ""}).body;
  ASSERT_EQ(seen["messages"].size(), 2u);
  EXPECT_EQ(seen["messages"][0]["body"]["text"], "2 configs changed");
  EXPECT_EQ(seen["messages"][1]["body"]["text"], "third");
  EXPECT_EQ(seen["attempts"], 5);
  EXPECT_EQ(lab.request({"GET", "/lab/slack/other/messages", {}, ""}).body["messages"].size(), 0u);
}

TEST(LabDevices, AddChangeAndRemoveDevices) {
  Lab lab(10, 1);
  const auto added =
      lab_post(lab, "/lab/devices", {{"name", "new-rtr-01"}, {"platform", "cisco-ios"}, {"site", "ams1"}});
  ASSERT_EQ(added.status, 201) << added.raw;
  const std::int64_t id = added.body["id"];
  EXPECT_EQ(id, 11);
  EXPECT_EQ(added.body["platform"]["slug"], "cisco-ios");
  EXPECT_FALSE(added.body["primary_ip4"].is_null());
  EXPECT_EQ(lab.get("/api/dcim/devices/").body["count"], 11);

  const auto changed =
      lab.request({"PATCH",
                   "/lab/devices/" + std::to_string(id),
                   {{"Content-Type", "application/json"}},
                   json({{"status", "offline"}, {"primary_ip4", nullptr}, {"tags", {"core"}}}).dump()});
  ASSERT_EQ(changed.status, 200) << changed.raw;
  EXPECT_EQ(changed.body["status"]["value"], "offline");
  EXPECT_TRUE(changed.body["primary_ip4"].is_null());
  EXPECT_EQ(
      lab.request({"PATCH", "/lab/devices/3", {{"Content-Type", "application/json"}}, R"({"colour": "red"})"}).status,
      400);

  EXPECT_EQ(lab.request({"DELETE", "/lab/devices/3", {}, ""}).status, 204);
  EXPECT_EQ(lab.get("/api/dcim/devices/3/").status, 404);
  EXPECT_EQ(lab.get("/api/dcim/devices/").body["count"], 10);
  EXPECT_EQ(lab.request({"DELETE", "/lab/devices/3", {}, ""}).status, 404);
}

TEST(LabState, WritesSurviveARestart) {
  TempDir state;
  {
    Lab lab(20, 9, {}, state.path());
    ASSERT_EQ(lab.send("POST", "/api/extras/custom-fields/",
                       {{"object_types", {"dcim.device"}}, {"name", "nbsync_hash"}, {"type", "text"}})
                  .status,
              201);
    ASSERT_EQ(lab.send("PATCH", "/api/dcim/devices/7/", {{"custom_fields", {{"nbsync_hash", "abc123"}}}}).status, 200);
    ASSERT_EQ(lab.send("POST", "/api/extras/journal-entries/",
                       {{"assigned_object_type", "dcim.device"}, {"assigned_object_id", 7}, {"comments", "changed"}})
                  .status,
              201);
    ASSERT_EQ(lab.send("POST", "/api/extras/custom-links/",
                       {{"name", "hist"},
                        {"object_types", {"dcim.device"}},
                        {"link_text", "h"},
                        {"link_url", "https://x/{{ object.id }}"}})
                  .status,
              201);
    ASSERT_EQ(lab_post(lab, "/lab/devices", {{"name", "added-01"}}).status, 201);
    ASSERT_EQ(lab.request({"DELETE", "/lab/devices/2", {}, ""}).status, 204);
    EXPECT_EQ(lab.process().stop(), 0) << "SIGTERM ends the lab cleanly";
  }
  Lab again(20, 9, {}, state.path());
  EXPECT_EQ(again.get("/api/dcim/devices/7/").body["custom_fields"]["nbsync_hash"], "abc123");
  EXPECT_EQ(again.get("/api/extras/journal-entries/?assigned_object_id=7").body["count"], 1);
  EXPECT_EQ(again.get("/api/extras/custom-links/").body["count"], 1);
  EXPECT_EQ(again.get("/api/dcim/devices/?name=added-01").body["count"], 1);
  EXPECT_EQ(again.get("/api/dcim/devices/2/").status, 404);
  EXPECT_EQ(again.get("/api/dcim/devices/").body["count"], 20);
  // New objects continue the id sequences.
  EXPECT_EQ(again
                .send("POST", "/api/extras/journal-entries/",
                      {{"assigned_object_type", "dcim.device"}, {"assigned_object_id", 7}, {"comments", "again"}})
                .body["id"],
            2);
}

}  // namespace
}  // namespace nbsync::test
