// NetBox's webhooks as nbsync reads them: the signature (against Python's hmac), the
// payload (which device, who asked, which trigger, or why nothing is asked), NetBox's
// timestamps, and the replay guard on a clock the test moves.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "web/hook_signature.hpp"
#include "web/netbox_webhook.hpp"
#include "web/webhook_replay_guard.hpp"

namespace nbsync::web {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

const Secret k_secret("lab-webhook-secret", "test");
const std::string k_body = R"({"event": "updated"})";
// python3 -c "import hmac,hashlib; print(hmac.new(b'lab-webhook-secret', b'{\"event\": \"updated\"}',
// hashlib.sha512).hexdigest())"
const std::string k_python_signature =
    "6c5304b0dc2c249473075f9ff97b3fcab8fedd5ba7d10d689002170205cfdefd3291a87e47720d6b71cbd3a263419bf6cec4b22a53a49ae4f6"
    "69"
    "ab3a3de41887";

TEST(HookSignature, MatchesWhatNetboxComputesAndNothingElse) {
  EXPECT_EQ(hook_signature(k_secret, k_body), k_python_signature);
  EXPECT_TRUE(hook_signature_matches(k_secret, k_body, k_python_signature));
  std::string upper = k_python_signature;
  for (auto& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  EXPECT_TRUE(hook_signature_matches(k_secret, k_body, " " + upper + "\r"));

  std::string last_wrong = k_python_signature;
  last_wrong.back() = last_wrong.back() == '7' ? '8' : '7';
  EXPECT_FALSE(hook_signature_matches(k_secret, k_body, last_wrong));
  EXPECT_FALSE(hook_signature_matches(k_secret, k_body + " ", k_python_signature));        // body changed
  EXPECT_FALSE(hook_signature_matches(Secret("other", "t"), k_body, k_python_signature));  // other secret
  EXPECT_FALSE(hook_signature_matches(k_secret, k_body, ""));
  EXPECT_FALSE(hook_signature_matches(k_secret, k_body, k_python_signature.substr(0, 64)));  // SHA-256 length
  EXPECT_FALSE(hook_signature_matches(k_secret, k_body, std::string(128, 'g')));
  EXPECT_FALSE(
      hook_signature_matches(Secret(), k_body, hook_signature(Secret(), k_body)));  // no secret: nothing passes
}

json payload(json data) {
  return {{"event", "updated"},
          {"timestamp", "2026-12-07 01:48:49.123456+00:00"},
          {"model", "device"},
          {"username", "alice"},
          {"request_id", "fdbca812-3142-4783-b364-2e2bd5c16c6a"},
          {"data", std::move(data)},
          {"snapshots", {{"prechange", nullptr}, {"postchange", nullptr}}}};
}

TEST(NetboxWebhook, TheTagOrTheFieldAsksForTheDevicesBackup) {
  const auto tagged = read_netbox_webhook(
      payload({{"id", 12}, {"name", "r12"}, {"tags", {{{"slug", "core"}}, {{"slug", "backup-now"}}}}}).dump());
  ASSERT_EQ(tagged.verdict, NetboxWebhook::Verdict::backup) << tagged.reason;
  EXPECT_EQ(tagged.request.device_id, 12);
  EXPECT_EQ(tagged.request.device_name, "r12");
  EXPECT_EQ(tagged.request.username, "alice");
  EXPECT_EQ(tagged.request.request_id, "fdbca812-3142-4783-b364-2e2bd5c16c6a");
  EXPECT_EQ(tagged.request.trigger, BackupNowTrigger::tag);

  const auto field = read_netbox_webhook(
      payload({{"id", 7}, {"tags", json::array()}, {"custom_fields", {{"nbsync_backup_now", true}}}}).dump());
  ASSERT_EQ(field.verdict, NetboxWebhook::Verdict::backup) << field.reason;
  EXPECT_EQ(field.request.trigger, BackupNowTrigger::custom_field);
}

TEST(NetboxWebhook, ATriggerAlreadyClearedOrAnotherObjectAsksNothing) {
  const auto cleared = read_netbox_webhook(
      payload({{"id", 7}, {"tags", {{{"slug", "core"}}}}, {"custom_fields", {{"nbsync_backup_now", false}}}}).dump());
  EXPECT_EQ(cleared.verdict, NetboxWebhook::Verdict::ignore);
  EXPECT_NE(cleared.reason.find("neither"), std::string::npos) << cleared.reason;

  json site = payload({{"id", 1}, {"tags", {{{"slug", "backup-now"}}}}});
  site["model"] = "site";
  EXPECT_EQ(read_netbox_webhook(site.dump()).verdict, NetboxWebhook::Verdict::ignore);
  json deleted = payload({{"id", 1}, {"tags", {{{"slug", "backup-now"}}}}});
  deleted["event"] = "deleted";
  EXPECT_EQ(read_netbox_webhook(deleted.dump()).verdict, NetboxWebhook::Verdict::ignore);
}

// Any write to a device that still carries the trigger fires NetBox's rule again (nbsync's
// own status write while the request waits, say). The change log's snapshot before the
// change (tags by name) tells a new request from those.
TEST(NetboxWebhook, ATriggerSetBeforeTheChangeIsNotANewRequest) {
  const json tags = {{{"slug", "core"}, {"name", "Core"}}, {{"slug", "backup-now"}, {"name", "Backup now"}}};
  json again = payload({{"id", 12}, {"tags", tags}});
  again["snapshots"]["prechange"] = {{"name", "r12"}, {"site", 3}, {"tags", {"Core", "Backup now"}}};
  const auto repeated = read_netbox_webhook(again.dump());
  EXPECT_EQ(repeated.verdict, NetboxWebhook::Verdict::ignore);
  EXPECT_NE(repeated.reason.find("was set before this change"), std::string::npos) << repeated.reason;

  json fresh = again;
  fresh["snapshots"]["prechange"]["tags"] = {"Core"};
  EXPECT_EQ(read_netbox_webhook(fresh.dump()).verdict, NetboxWebhook::Verdict::backup);
  json created = again;
  created["event"] = "created";
  created["snapshots"]["prechange"] = nullptr;
  EXPECT_EQ(read_netbox_webhook(created.dump()).verdict, NetboxWebhook::Verdict::backup);

  json field = payload({{"id", 7}, {"tags", json::array()}, {"custom_fields", {{"nbsync_backup_now", true}}}});
  field["snapshots"]["prechange"] = {{"tags", json::array()}, {"custom_fields", {{"nbsync_backup_now", true}}}};
  EXPECT_EQ(read_netbox_webhook(field.dump()).verdict, NetboxWebhook::Verdict::ignore);
  field["snapshots"]["prechange"]["custom_fields"]["nbsync_backup_now"] = nullptr;
  EXPECT_EQ(read_netbox_webhook(field.dump()).verdict, NetboxWebhook::Verdict::backup);
}

TEST(NetboxWebhook, APayloadThatIsNotNetboxsIsMalformedWithAReasonNamingTheField) {
  EXPECT_EQ(read_netbox_webhook("not json").verdict, NetboxWebhook::Verdict::malformed);
  const auto no_id = read_netbox_webhook(payload({{"name", "r1"}}).dump());
  EXPECT_EQ(no_id.verdict, NetboxWebhook::Verdict::malformed);
  EXPECT_NE(no_id.reason.find("data.id"), std::string::npos);
  json no_time = payload({{"id", 1}});
  no_time["timestamp"] = "yesterday";
  EXPECT_NE(read_netbox_webhook(no_time.dump()).reason.find("timestamp"), std::string::npos);
}

TEST(NetboxWebhook, ReadsPythonsAndIsoTimestamps) {
  const auto python = parse_netbox_timestamp("2026-12-07 01:48:49.123456+00:00");
  const auto iso = parse_netbox_timestamp("2026-12-07T01:48:49.123456Z");
  const auto offset = parse_netbox_timestamp("2026-12-07T02:48:49.123456+01:00");
  ASSERT_TRUE(python && iso && offset);
  EXPECT_EQ(*python, *iso);
  EXPECT_EQ(*python, *offset);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*python), 1796608129);
  EXPECT_TRUE(parse_netbox_timestamp("2026-12-07 01:48:49+00:00"));
  EXPECT_FALSE(parse_netbox_timestamp("2026-12-07"));
  EXPECT_FALSE(parse_netbox_timestamp("2026-12-07 01:48:49 UTC"));
}

TEST(WebhookReplayGuard, AcceptsEachRequestAndDeviceOnceAndNothingOld) {
  WebhookReplayGuard guard(300s);
  const auto now = std::chrono::system_clock::from_time_t(1796608129);
  using V = WebhookReplayGuard::Verdict;
  EXPECT_EQ(guard.check("req-1", 12, now - 2s, now), V::fresh);
  EXPECT_EQ(guard.check("req-1", 12, now - 2s, now + 1s), V::replayed);
  EXPECT_EQ(guard.check("req-1", 13, now - 2s, now), V::fresh);  // a bulk edit: one request, many devices
  EXPECT_EQ(guard.check("req-2", 12, now - 301s, now), V::too_old);
  EXPECT_EQ(guard.check("req-3", 12, now + 301s, now), V::too_old);  // from the future: a clock is wrong
  // Long after, the id is forgotten, but the same webhook is then too old anyway.
  EXPECT_EQ(guard.check("req-1", 12, now - 2s, now + 900s), V::too_old);
}

}  // namespace
}  // namespace nbsync::web
