#include "lab/netbox_tokens.hpp"

#include <utility>

namespace nbsync::lab {

LabTokens::LabTokens(std::string admin_token, bool v2_tokens) {
  m_users.push_back({1, "admin", std::move(admin_token), true, true, std::nullopt, false, true, ""});
  m_users.push_back({2, "reader", std::string(40, '2'), false, true, std::nullopt, false, true, ""});
  m_users.push_back({3, "site1-engineer", std::string(40, '3'), false, true, 1, false, true, ""});
  m_users.push_back({4, "no-permissions", std::string(40, '4'), false, false, std::nullopt, false, true, ""});
  m_users.push_back({5, "no-render", std::string(40, '6'), false, true, std::nullopt, true, false, ""});
  if (!v2_tokens) {
    return;
  }
  for (auto& user : m_users) {
    if (!user.token.starts_with("nbt_")) {
      user.v2_token = "nbt_" + user.token.substr(0, 12) + "." + user.token;
    }
  }
}

const LabUser* LabTokens::find(const std::string& token) const {
  for (const auto& user : m_users) {
    if (user.token == token || (!user.v2_token.empty() && user.v2_token == token)) {
      return &user;
    }
  }
  return nullptr;
}

bool permits(const LabUser& user, const std::string& method, const std::string& path) {
  if (path.ends_with("/render-config/") && !user.render_config) {
    return false;
  }
  if (user.superuser || user.writes) {
    return true;
  }
  if (method != "GET" && method != "HEAD" && method != "OPTIONS") {
    return false;  // the seeded users' tokens are read-only (write_enabled off)
  }
  if (path == "/api/" || path == "/api/status/" || path == "/api/users/config/") {
    return true;
  }
  return user.view_devices && path.starts_with("/api/dcim/devices/");
}

bool may_view(const LabUser& user, const LabDevice& device) {
  if (user.superuser || user.writes) {
    return true;
  }
  if (!user.view_devices) {
    return false;
  }
  return !user.site_id || *user.site_id == device.site + 1;
}

}  // namespace nbsync::lab
