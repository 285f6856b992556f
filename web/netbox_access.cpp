#include "web/netbox_access.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "http/http_client.hpp"

namespace nbsync::web {
namespace {

// A person waits for the answer: never longer than this, whatever [netbox] timeout says.
constexpr std::chrono::milliseconds k_question_timeout{10000};

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

bool plausible_token(const std::string& text) {
  return !text.empty() && text.size() <= 200 && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace nbsync::web
