// The lab's NetBox webhooks and event rules over real HTTP: created and validated as
// NetBox 4.2 words it, and fired like NetBox's RQ worker when a device is changed through
// the API and a rule's conditions match: signed, NetBox's payload, to a receiver the test
// runs on loopback.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <regex>
#include <thread>

#include "tests/support/lab.hpp"
#include "web/hook_signature.hpp"

namespace nbsync::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using json = nlohmann::json;

const std::string k_secret = "lab-webhook-secret";

// A webhook receiver on 127.0.0.1: records every request it gets.
class Receiver {
public:
  Receiver() {
    m_server.Post("/hook", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard lock(m_mutex);
      m_received.push_back(request);
      m_arrived.notify_all();
      response.status = 204;
    });
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
  }
  ~Receiver() {
    m_server.stop();
    m_thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/hook"; }
  // Waits up to `timeout` for `count` requests; returns what arrived.
  std::vector<httplib::Request> wait_for(std::size_t count, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(m_mutex);
    m_arrived.wait_for(lock, timeout, [&] { return m_received.size() >= count; });
    return m_received;
  }

private:
  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_arrived;
  std::vector<httplib::Request> m_received;
};

json backup_now_rule(std::int64_t webhook_id) {
  return {{"name", "nbsync back up now"},
          {"object_types", {"dcim.device"}},
          {"event_types", {"object_updated"}},
          {"action_type", "webhook"},
          {"action_object_type", "extras.webhook"},
          {"action_object_id", webhook_id},
          {"conditions",
           {{"or",
             {{{"attr", "tags.slug"}, {"value", "backup-now"}, {"op", "contains"}},
              {{"attr", "custom_fields.nbsync_backup_now"}, {"value", true}}}}}}};
}

std::int64_t create_webhook(Lab& lab, const std::string& url) {
  const auto webhook = lab.send("POST", "/api/extras/webhooks/",
                                {{"name", "nbsync back up now"}, {"payload_url", url}, {"secret", k_secret}});
  EXPECT_EQ(webhook.status, 201) << webhook.raw;
  EXPECT_EQ(webhook.body["http_method"], "POST");
  EXPECT_EQ(webhook.body["http_content_type"], "application/json");
  return webhook.body.value("id", std::int64_t{0});
}

TEST(LabWebhooks, CreatesAndListsWebhooksAndRulesAndRefusesWhatNetboxRefuses) {
  Lab lab(5, 1);
  const auto missing = lab.send("POST", "/api/extras/webhooks/", {{"name", "x"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body, json({{"payload_url", {"This field is required."}}}));
  const std::int64_t id = create_webhook(lab, "http://127.0.0.1:9/hook");
  const auto again = lab.send("POST", "/api/extras/webhooks/", {{"name", "nbsync back up now"}, {"payload_url", "x"}});
  EXPECT_EQ(again.body, json({{"name", {"webhook with this name already exists."}}}));

  json bad_type = backup_now_rule(id);
  bad_type["event_types"] = {"object_renamed"};
  EXPECT_EQ(lab.send("POST", "/api/extras/event-rules/", bad_type).body,
            json({{"event_types", {"\"object_renamed\" is not a valid choice."}}}));
  json bad_op = backup_now_rule(id);
  bad_op["conditions"] = {{"attr", "name"}, {"value", "r1"}, {"op", "like"}};
  EXPECT_THAT(lab.send("POST", "/api/extras/event-rules/", bad_op).body["conditions"][0].get<std::string>(),
              HasSubstr("Unknown operator: like"));
  json three_seven = backup_now_rule(id);  // 3.7's fields are not 4.2's
  three_seven.erase("event_types");
  three_seven["type_update"] = true;
  EXPECT_EQ(lab.send("POST", "/api/extras/event-rules/", three_seven).body,
            json({{"event_types", {"This field is required."}}}));

  const auto rule = lab.send("POST", "/api/extras/event-rules/", backup_now_rule(id));
  ASSERT_EQ(rule.status, 201) << rule.raw;
  EXPECT_EQ(rule.body["action_type"]["value"], "webhook");
  EXPECT_EQ(rule.body["action_object"]["id"], id);
  const auto listed = lab.get("/api/extras/event-rules/?name=nbsync%20back%20up%20now");
  EXPECT_EQ(listed.body["count"], 1);
  EXPECT_EQ(lab.get("/api/extras/webhooks/?name=other").body["count"], 0);
}

TEST(LabWebhooks, ADeviceUpdateThatMatchesARuleSendsOneSignedNetboxPayload) {
  Lab lab(5, 1);
  Receiver receiver;
  ASSERT_EQ(lab.send("POST", "/api/extras/event-rules/", backup_now_rule(create_webhook(lab, receiver.url()))).status,
            201);
  // An update that does not match sends nothing.
  ASSERT_EQ(lab.send("PATCH", "/api/dcim/devices/2/", {{"description", "no trigger"}}).status, 200);
  EXPECT_TRUE(receiver.wait_for(1, 1s).empty());

  const auto tagged = lab.send("PATCH", "/api/dcim/devices/2/", {{"tags", {{{"slug", "backup-now"}}}}});
  ASSERT_EQ(tagged.status, 200) << tagged.raw;
  EXPECT_EQ(tagged.body["tags"][0]["slug"], "backup-now");
  const auto received = receiver.wait_for(1);
  ASSERT_EQ(received.size(), 1u);
  const auto& request = received[0];
  EXPECT_EQ(request.get_header_value("Content-Type"), "application/json");
  EXPECT_TRUE(web::hook_signature_matches(Secret(k_secret, "test"), request.body,
                                          request.get_header_value("X-Hook-Signature")));
  const json payload = json::parse(request.body);
  EXPECT_EQ(payload["event"], "updated");
  EXPECT_EQ(payload["model"], "device");
  EXPECT_EQ(payload["username"], "admin");
  EXPECT_EQ(payload["request_id"].get<std::string>().size(), 36u);
  EXPECT_TRUE(std::regex_match(payload["timestamp"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00)")))
      << payload["timestamp"];
  EXPECT_EQ(payload["data"]["id"], 2);
  EXPECT_EQ(payload["data"]["tags"][0]["slug"], "backup-now");
  // The snapshots are the change log's view (serialize_object): tags by name, related
  // objects by id, no URLs.
  const json& before = payload["snapshots"]["prechange"];
  const json& after = payload["snapshots"]["postchange"];
  ASSERT_TRUE(before["tags"].is_array());
  for (const auto& name : before["tags"]) {
    EXPECT_TRUE(name.is_string());
    EXPECT_NE(name, "Backup now");
  }
  EXPECT_EQ(after["tags"], json::array({"Backup now"}));
  EXPECT_TRUE(after["site"].is_number_integer()) << after.dump();
  EXPECT_FALSE(after.contains("url"));
  EXPECT_TRUE(after["custom_fields"].is_object());

  // Another change while the tag is still set matches again, as in NetBox; its prechange
  // carries the tag.
  ASSERT_EQ(lab.send("PATCH", "/api/dcim/devices/2/", {{"description", "still tagged"}}).status, 200);
  const auto again = receiver.wait_for(2);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(json::parse(again[1].body)["snapshots"]["prechange"]["tags"], json::array({"Backup now"}));

  // Clearing the trigger matches no rule: nothing more is sent.
  ASSERT_EQ(lab.send("PATCH", "/api/dcim/devices/2/", {{"tags", json::array()}}).status, 200);
  EXPECT_EQ(receiver.wait_for(3, 1s).size(), 2u);
  const auto deliveries = lab.request({"GET", "/lab/webhook-deliveries", {}, ""});
  ASSERT_EQ(deliveries.body["deliveries"].size(), 2u);
  EXPECT_EQ(deliveries.body["deliveries"][0]["status"], 204);
  EXPECT_EQ(deliveries.body["deliveries"][0]["object_id"], 2);
}

TEST(LabWebhooks, UnknownTagsAreRefusedAsNetboxWordsIt) {
  Lab lab(5, 1);
  const auto unknown = lab.send("PATCH", "/api/dcim/devices/2/", {{"tags", {{{"slug", "nope"}}}}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body,
            json({{"tags", {"Related object not found using the provided attributes: {'slug': 'nope'}"}}}));
  EXPECT_EQ(lab.send("PATCH", "/api/dcim/devices/2/", {{"tags", {99}}}).body,
            json({{"tags", {"Related object not found using the provided numeric ID: 99"}}}));
}

TEST(LabWebhooks, SendsOnlyToLoopback) {
  Lab lab(5, 1);
  const std::int64_t id = create_webhook(lab, "http://192.0.2.1/hook");
  ASSERT_EQ(lab.send("POST", "/api/extras/event-rules/", backup_now_rule(id)).status, 201);
  ASSERT_EQ(lab.send("PATCH", "/api/dcim/devices/3/", {{"tags", {{{"slug", "backup-now"}}}}}).status, 200);
  json deliveries;
  for (int i = 0; i < 50 && deliveries.empty(); ++i) {
    deliveries = lab.request({"GET", "/lab/webhook-deliveries", {}, ""}).body["deliveries"];
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0]["status"], 0);
  EXPECT_THAT(deliveries[0]["error"].get<std::string>(), HasSubstr("loopback"));
}

}  // namespace
}  // namespace nbsync::test
