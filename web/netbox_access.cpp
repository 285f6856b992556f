#include "web/netbox_access.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "http/http_client.hpp"

namespace nbsync::web {
namespace {

// A person waits for the answer: never longer than this, whatever [netbox] timeout says.
constexpr std::chrono::milliseconds k_question_timeout{10000};
constexpr const char* k_visible_devices_path = "/api/dcim/devices/?brief=1&limit=1000";

// The path of NetBox's `next` link ("" on the last page), on the configured base URL:
// NetBox behind a proxy often writes its own scheme or host into it.
std::string next_path(const nlohmann::json& page) {
  if (!page.contains("next") || !page["next"].is_string()) {
    return "";
  }
  const std::string next = page["next"];
  const auto api = next.find("/api/");
  return api == std::string::npos ? "" : next.substr(api);
}

}  // namespace

NetboxAccess::NetboxAccess(inventory::NetboxEndpoint netbox) : m_netbox(std::move(netbox)) {
  m_netbox.token = Secret();
}

TokenCheck NetboxAccess::check_token(const Secret& token) const {
  inventory::NetboxEndpoint as_user = m_netbox;
  as_user.token = token;
  http::HttpClient client(inventory::netbox_client_options(as_user, k_question_timeout));
  const http::HttpResponse response = client.send(inventory::netbox_request(as_user, "GET", "/api/users/config/"));
  if (response.status == 200) {
    return {NetboxAnswer::yes, ""};
  }
  if (response.status == 401 || response.status == 403) {
    return {NetboxAnswer::no, inventory::netbox_reason(response.body)};
  }
  return {NetboxAnswer::unreachable, inventory::netbox_failure(response)};
}

NetboxAnswer NetboxAccess::may_see_device(const Secret& token, std::int64_t device_id) const {
  inventory::NetboxEndpoint as_user = m_netbox;
  as_user.token = token;
  http::HttpClient client(inventory::netbox_client_options(as_user, k_question_timeout));
  const std::string path = "/api/dcim/devices/" + std::to_string(device_id) + "/?brief=1";
  const http::HttpResponse response = client.send(inventory::netbox_request(as_user, "GET", path));
  if (response.status == 200) {
    return NetboxAnswer::yes;
  }
  if (response.status == 404 || response.status == 403 || response.status == 401) {
    return NetboxAnswer::no;
  }
  return NetboxAnswer::unreachable;
}

TokenCheck NetboxAccess::ask_backup_now(const Secret& token, std::int64_t device_id) const {
  inventory::NetboxEndpoint as_user = m_netbox;
  as_user.token = token;
  http::HttpClient client(inventory::netbox_client_options(as_user, k_question_timeout));
  const std::string path = "/api/dcim/devices/" + std::to_string(device_id) + "/";
  const std::string body = nlohmann::json{{"custom_fields", {{k_backup_now_field, true}}}}.dump();
  const http::HttpResponse response = client.send(inventory::netbox_request(as_user, "PATCH", path, body));
  if (response.status == 200) {
    return {NetboxAnswer::yes, ""};
  }
  if (response.status == 400 || response.status == 401 || response.status == 403 || response.status == 404) {
    return {NetboxAnswer::no, inventory::netbox_reason(response.body)};
  }
  return {NetboxAnswer::unreachable, inventory::netbox_failure(response)};
}

VisibleDevices NetboxAccess::visible_devices(const Secret& token) const {
  inventory::NetboxEndpoint as_user = m_netbox;
  as_user.token = token;
  http::HttpClient client(inventory::netbox_client_options(as_user, k_question_timeout));
  VisibleDevices visible;
  std::set<std::string> asked;
  for (std::string path = k_visible_devices_path; !path.empty() && asked.insert(path).second;) {
    const http::HttpResponse response = client.send(inventory::netbox_request(as_user, "GET", path));
    if (response.status == 403 || response.status == 401) {
      return {NetboxAnswer::no, {}, inventory::netbox_reason(response.body)};
    }
    const auto page = response.status == 200 ? nlohmann::json::parse(response.body, nullptr, false) : nlohmann::json();
    if (!page.is_object() || !page.contains("results") || !page["results"].is_array()) {
      return {NetboxAnswer::unreachable,
              {},
              response.status == 200 ? "NetBox's device list is not JSON" : inventory::netbox_failure(response)};
    }
    for (const auto& device : page["results"]) {
      if (device.contains("id") && device["id"].is_number_integer()) {
        visible.ids.insert(device["id"].get<std::int64_t>());
      }
    }
    path = page["results"].empty() ? "" : next_path(page);
  }
  visible.answer = NetboxAnswer::yes;
  return visible;
}

bool plausible_token(const std::string& text) {
  return !text.empty() && text.size() <= 200 && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace nbsync::web
