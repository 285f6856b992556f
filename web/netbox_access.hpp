#pragma once
// What the viewer asks NetBox with a user's own token: whether NetBox accepts the token
// (GET /api/users/config/, which any valid token may read on NetBox 3.7 and 4.x), and
// whether that token may see a device (GET /api/dcim/devices/{id}/: 404 or 403 means no,
// as NetBox's object permissions decide), and every device it may see (the paged list
// /api/dcim/devices/?brief=1, for fleet pages). NetBox stays the one place access is managed.
// Thread-safe: every question uses its own HTTP client.
#include <cstdint>
#include <string>
#include <unordered_set>

#include "inventory/netbox_endpoint.hpp"
#include "types/backup_now_request.hpp"
#include "types/secret.hpp"

namespace nbsync::web {

enum class NetboxAnswer { yes, no, unreachable };

struct TokenCheck {
  NetboxAnswer answer = NetboxAnswer::unreachable;
  std::string reason;  // NetBox's words for a refusal, or why NetBox could not be asked; never the token
};

using DeviceIds = std::unordered_set<std::int64_t>;

struct VisibleDevices {
  NetboxAnswer answer = NetboxAnswer::unreachable;  // yes: `ids` is whole; no: the token may list none
  DeviceIds ids;
  std::string reason;  // why NetBox could not be asked; never the token
};

class NetboxAccess {
public:
  // `netbox` says where NetBox is (its url, TLS and timeout); its own token is not used.
  explicit NetboxAccess(inventory::NetboxEndpoint netbox);

  TokenCheck check_token(const Secret& token) const;
  NetboxAnswer may_see_device(const Secret& token, std::int64_t device_id) const;
  // Every page of the devices NetBox lists for `token`, ids only.
  VisibleDevices visible_devices(const Secret& token) const;
  // "Back up now" as the token's user: ticks the device's nbsync_backup_now custom field
  // with that token (PATCH), so NetBox decides whether the user may change the device,
  // and its event rule sends the webhook that names them. no: NetBox refused (`reason`).
  TokenCheck ask_backup_now(const Secret& token, std::int64_t device_id) const;

private:
  inventory::NetboxEndpoint m_netbox;
};

// Whether `text` can be a NetBox token in an Authorization header: 1 to 200 characters of
// letters, digits, '_', '.' and '-' (v1 tokens are 40 hex digits, v2 "nbt_<key>.<token>").
bool plausible_token(const std::string& text);

}  // namespace nbsync::web
