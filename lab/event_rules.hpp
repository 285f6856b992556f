#pragma once
// The lab's NetBox webhooks and event rules (/api/extras/webhooks/, /api/extras/event-rules/,
// NetBox 4.2's fields and validation words), and which webhooks an object change fires:
// every enabled rule for the object's type and event whose conditions match the object as
// the API shows it after the change, one call per rule, with NetBox's payload
// {event, timestamp, model, username, request_id, data, snapshots}. Not thread-safe: the
// API's mutex guards it; the calls are sent by WebhookSender, off that mutex.
#include <httplib.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace nbsync::lab {

struct WebhookCall {
  std::string webhook;  // its name
  std::string url;
  std::string method;
  std::string content_type;
  std::string secret;  // empty: no X-Hook-Signature
  std::string body;
  std::int64_t object_id = 0;
};

// What happened to one object, as NetBox's event processing sees it.
struct ObjectEvent {
  std::string object_type;  // "dcim.device"
  std::string event_type;   // "object_created", "object_updated", "object_deleted"
  nlohmann::json prechange;
  nlohmann::json postchange;  // the API's view of the object now (conditions look at this)
  std::string username;
  std::string request_id;
};

class EventRules {
public:
  using Answer = std::pair<int, nlohmann::json>;
  Answer list_webhooks(const httplib::Request& request, const std::string& base) const;
  Answer create_webhook(const nlohmann::json& body, const std::string& base);
  Answer list_event_rules(const httplib::Request& request, const std::string& base) const;
  Answer create_event_rule(const nlohmann::json& body, const std::string& base);
  // What create_event_rule would refuse in `body` (NetBox's 400 body), empty when nothing.
  nlohmann::json event_rule_errors(const nlohmann::json& body) const;

  std::vector<WebhookCall> calls_for(const ObjectEvent& event) const;

private:
  nlohmann::json webhook_json(const nlohmann::json& webhook, const std::string& base) const;
  nlohmann::json rule_json(const nlohmann::json& rule, const std::string& base) const;
  const nlohmann::json* find_webhook(std::int64_t id) const;

  std::vector<nlohmann::json> m_webhooks;
  std::vector<nlohmann::json> m_rules;
  std::int64_t m_next_webhook_id = 1;
  std::int64_t m_next_rule_id = 1;
};

// A version 4 UUID, as NetBox gives each request (request_id).
std::string random_uuid();

}  // namespace nbsync::lab
