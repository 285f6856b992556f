#include "lab/event_rules.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <random>

#include "lab/event_conditions.hpp"
#include "lab/fleet.hpp"
#include "lab/netbox_paging.hpp"

namespace nbsync::lab {
namespace {

using json = nlohmann::json;

const std::vector<std::string> k_event_types = {"object_created", "object_updated", "object_deleted", "job_started",
                                                "job_completed",  "job_failed",     "job_errored"};
const std::vector<std::string> k_http_methods = {"GET", "POST", "PUT", "PATCH", "DELETE"};

bool has(const std::vector<std::string>& list, const json& value) {
  return value.is_string() && std::find(list.begin(), list.end(), value.get<std::string>()) != list.end();
}

bool in_list(const json& list, const std::string& value) {
  return list.is_array() && std::find(list.begin(), list.end(), value) != list.end();
}

// NetBox's words for a value outside a choice field's choices.
std::string invalid_choice(const json& value) {
  std::string text = "\"";
  text += value.is_string() ? value.get<std::string>() : value.dump();
  text += "\" is not a valid choice.";
  return text;
}

json not_a_dict(const json& body) {
  return {
      {"non_field_errors", {"Invalid data. Expected a dictionary, but got " + std::string(body.type_name()) + "."}}};
}

EventRules::Answer page_of(const httplib::Request& request, const std::string& base, const std::vector<json>& all,
                           const std::function<json(const json&)>& render) {
  const auto names = param_values(request, "name");
  std::vector<const json*> matching;
  for (const auto& item : all) {
    if (names.empty() || std::find(names.begin(), names.end(), item["name"].get<std::string>()) != names.end()) {
      matching.push_back(&item);
    }
  }
  const PageRequest page = page_request(request);
  json results = json::array();
  for (std::size_t i = page.offset; i < matching.size() && i < page.offset + page.limit; ++i) {
    results.push_back(render(*matching[i]));
  }
  return {200, page_json(request, base, matching.size(), std::move(results), page)};
}

// Python's str(timezone.now()): "2026-12-07 01:48:49.123456+00:00".
std::string python_now() {
  const auto now = std::chrono::system_clock::now();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%06lld+00:00", static_cast<long long>(micros));
  return std::string(text) + fraction;
}

// NetBox's `event` in a webhook payload for an event type.
std::string payload_event(const std::string& event_type) {
  if (event_type == "object_created") {
    return "created";
  }
  if (event_type == "object_deleted") {
    return "deleted";
  }
  return event_type == "object_updated" ? "updated" : event_type;
}

// What NetBox's change log keeps of an object (utilities' serialize_object), the shape of a
// webhook's `snapshots`: related objects as their ids, choices as their values, tags as
// their names (not slugs), no URLs. `data` is the REST API's view; this is not.
json change_log_view(const json& api_view) {
  if (!api_view.is_object()) {
    return api_view;  // null: no object before a create, none after a delete
  }
  json out = json::object();
  for (const auto& [key, value] : api_view.items()) {
    if (key == "url" || key == "display_url" || key == "display" || key == "id" || key == "config_context") {
      continue;
    }
    if (key == "tags") {
      out[key] = json::array();
      for (const auto& tag : value) {
        out[key].push_back(tag.value("name", ""));
      }
    } else if (key == "custom_fields" || !value.is_object()) {
      out[key] = value;
    } else if (value.contains("value") && value.contains("label")) {
      out[key] = value["value"];
    } else {
      out[key] = value.contains("id") ? value["id"] : json(nullptr);
    }
  }
  return out;
}

}  // namespace

std::string random_uuid() {
  static thread_local std::mt19937_64 random(std::random_device{}());
  const std::uint64_t high = (random() & 0xffffffffffff0fffULL) | 0x4000ULL;
  const std::uint64_t low = (random() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char text[40];
  std::snprintf(text, sizeof text, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(high >> 32),
                static_cast<unsigned long long>((high >> 16) & 0xffff), static_cast<unsigned long long>(high & 0xffff),
                static_cast<unsigned long long>(low >> 48), static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

json EventRules::webhook_json(const json& webhook, const std::string& base) const {
  const std::int64_t id = webhook["id"];
  json out = webhook;
  out["url"] = base + "/api/extras/webhooks/" + std::to_string(id) + "/";
  out["display_url"] = base + "/extras/webhooks/" + std::to_string(id) + "/";
  out["display"] = webhook["name"];
  return out;
}

json EventRules::rule_json(const json& rule, const std::string& base) const {
  const std::int64_t id = rule["id"];
  json out = rule;
  out["url"] = base + "/api/extras/event-rules/" + std::to_string(id) + "/";
  out["display_url"] = base + "/extras/event-rules/" + std::to_string(id) + "/";
  out["display"] = rule["name"];
  out["action_type"] = {{"value", "webhook"}, {"label", "Webhook"}};
  const json* webhook = find_webhook(rule["action_object_id"].get<std::int64_t>());
  out["action_object"] = webhook == nullptr ? json::object()
                                            : json{{"id", (*webhook)["id"]},
                                                   {"url", webhook_json(*webhook, base)["url"]},
                                                   {"display", (*webhook)["name"]},
                                                   {"name", (*webhook)["name"]},
                                                   {"description", (*webhook)["description"]}};
  return out;
}

const json* EventRules::find_webhook(std::int64_t id) const {
  const auto it = std::find_if(m_webhooks.begin(), m_webhooks.end(),
                               [id](const json& w) { return w["id"].get<std::int64_t>() == id; });
  return it == m_webhooks.end() ? nullptr : &*it;
}

EventRules::Answer EventRules::list_webhooks(const httplib::Request& request, const std::string& base) const {
  return page_of(request, base, m_webhooks, [&](const json& w) { return webhook_json(w, base); });
}

EventRules::Answer EventRules::list_event_rules(const httplib::Request& request, const std::string& base) const {
  return page_of(request, base, m_rules, [&](const json& r) { return rule_json(r, base); });
}

EventRules::Answer EventRules::create_webhook(const json& body, const std::string& base) {
  if (!body.is_object()) {
    return {400, not_a_dict(body)};
  }
  json errors = json::object();
  for (const char* key : {"name", "payload_url"}) {
    if (!body.contains(key)) {
      errors[key] = json::array({"This field is required."});
    } else if (!body[key].is_string() || body[key].get<std::string>().empty()) {
      errors[key] = json::array({"This field may not be blank."});
    }
  }
  if (body.contains("name") &&
      std::any_of(m_webhooks.begin(), m_webhooks.end(), [&](const json& w) { return w["name"] == body["name"]; })) {
    errors["name"] = json::array({"webhook with this name already exists."});
  }
  if (body.contains("http_method") && !has(k_http_methods, body["http_method"])) {
    errors["http_method"] = json::array({invalid_choice(body["http_method"])});
  }
  if (!errors.empty()) {
    return {400, errors};
  }
  json webhook = {{"id", m_next_webhook_id++},
                  {"name", body["name"]},
                  {"description", body.value("description", "")},
                  {"payload_url", body["payload_url"]},
                  {"http_method", body.value("http_method", "POST")},
                  {"http_content_type", body.value("http_content_type", "application/json")},
                  {"additional_headers", body.value("additional_headers", "")},
                  {"body_template", body.value("body_template", "")},
                  {"secret", body.value("secret", "")},
                  {"ssl_verification", body.value("ssl_verification", true)},
                  {"ca_file_path", body.value("ca_file_path", json())},
                  {"custom_fields", json::object()},
                  {"tags", json::array()},
                  {"created", utc_now_iso()},
                  {"last_updated", utc_now_iso()}};
  m_webhooks.push_back(webhook);
  return {201, webhook_json(webhook, base)};
}

json EventRules::event_rule_errors(const json& body) const {
  if (!body.is_object()) {
    return not_a_dict(body);
  }
  json errors = json::object();
  for (const char* key : {"name", "object_types", "event_types", "action_object_type"}) {
    if (!body.contains(key)) {
      errors[key] = json::array({"This field is required."});
    }
  }
  if (body.contains("name") &&
      std::any_of(m_rules.begin(), m_rules.end(), [&](const json& r) { return r["name"] == body["name"]; })) {
    errors["name"] = json::array({"event rule with this name already exists."});
  }
  if (body.contains("event_types")) {
    if (!body["event_types"].is_array() || body["event_types"].empty()) {
      errors["event_types"] = json::array({"This list may not be empty."});
    }
    for (const auto& type : body["event_types"]) {
      if (!has(k_event_types, type)) {
        errors["event_types"] = json::array({invalid_choice(type)});
      }
    }
  }
  if (body.value("action_type", "webhook") != "webhook") {
    errors["action_type"] = json::array({"the lab's event rules only send webhooks"});
  }
  if (body.contains("action_object_type") && body["action_object_type"] != "extras.webhook") {
    errors["action_object_type"] = json::array({"the lab's event rules only send webhooks (extras.webhook)"});
  }
  const std::int64_t webhook_id = body.value("action_object_id", std::int64_t{0});
  if (find_webhook(webhook_id) == nullptr) {
    errors["action_object_id"] =
        json::array({"Invalid pk \"" + std::to_string(webhook_id) + "\" - object does not exist."});
  }
  if (const std::string problem = condition_problem(body.value("conditions", json())); !problem.empty()) {
    errors["conditions"] = json::array({problem});
  }
  return errors;
}

EventRules::Answer EventRules::create_event_rule(const json& body, const std::string& base) {
  if (json errors = event_rule_errors(body); !errors.empty()) {
    return {400, errors};
  }
  const std::int64_t webhook_id = body.value("action_object_id", std::int64_t{0});
  const json conditions = body.value("conditions", json());
  json rule = {{"id", m_next_rule_id++},
               {"name", body["name"]},
               {"enabled", body.value("enabled", true)},
               {"object_types", body["object_types"]},
               {"event_types", body["event_types"]},
               {"conditions", conditions},
               {"action_object_type", "extras.webhook"},
               {"action_object_id", webhook_id},
               {"description", body.value("description", "")},
               {"custom_fields", json::object()},
               {"tags", json::array()},
               {"created", utc_now_iso()},
               {"last_updated", utc_now_iso()}};
  m_rules.push_back(rule);
  return {201, rule_json(rule, base)};
}

std::vector<WebhookCall> EventRules::calls_for(const ObjectEvent& event) const {
  std::vector<WebhookCall> calls;
  for (const auto& rule : m_rules) {
    if (!rule["enabled"].get<bool>() || !in_list(rule["object_types"], event.object_type) ||
        !in_list(rule["event_types"], event.event_type) || !conditions_match(rule["conditions"], event.postchange)) {
      continue;
    }
    const json* webhook = find_webhook(rule["action_object_id"].get<std::int64_t>());
    if (webhook == nullptr) {
      continue;
    }
    const json payload = {
        {"event", payload_event(event.event_type)},
        {"timestamp", python_now()},
        {"model", event.object_type.substr(event.object_type.find('.') + 1)},
        {"username", event.username},
        {"request_id", event.request_id},
        {"data", event.postchange},
        {"snapshots",
         {{"prechange", change_log_view(event.prechange)}, {"postchange", change_log_view(event.postchange)}}}};
    calls.push_back({(*webhook)["name"], (*webhook)["payload_url"], (*webhook)["http_method"],
                     (*webhook)["http_content_type"], (*webhook)["secret"], payload.dump(),
                     event.postchange.value("id", std::int64_t{0})});
  }
  return calls;
}

}  // namespace nbsync::lab
