#pragma once
// The lab's NetBox users and their API tokens. The token from --token-file belongs to a
// superuser whose token may write; a few seeded users with fixed tokens have read-only
// tokens and NetBox object permissions: one sees every device, one only the devices of
// site id 1, one nothing; one may write everything but render configs (NetBox 4.3+'s
// render_config permission, or a 3.x user without change_device). What each may see follows NetBox: a device outside a
// user's permissions is absent from lists and 404 on its own; a model the user has no permission for at all answers
// 403. Immutable after construction, so safe to share across threads.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lab/fleet.hpp"

namespace nbsync::lab {

struct LabUser {
  std::int64_t id = 0;
  std::string username;
  std::string token;
  bool superuser = false;
  bool view_devices = false;            // an ObjectPermission "view dcim.device"
  std::optional<std::int64_t> site_id;  // its constraint {"site_id": N}; none: every device
  bool writes = false;                  // a write-enabled token with every permission ...
  bool render_config = true;            // ... but, when false, dcim.device's render_config
  std::string v2_token;                 // NetBox 4.5 and later: the user's v2 token as well (nbt_...)
};

class LabTokens {
public:
  // With `v2_tokens` (NetBox 4.5 and later) every user also holds a v2 token: the seeded
  // users nbt_<12 of its digit>.<40 of it>, the superuser (when its token is v1)
  // nbt_<its token's first 12 characters>.<its token>, so one lab answers both kinds.
  LabTokens(std::string admin_token, bool v2_tokens);

  // The user a token belongs to, or nullptr for a token NetBox does not know.
  const LabUser* find(const std::string& token) const;
  const std::vector<LabUser>& users() const { return m_users; }

private:
  std::vector<LabUser> m_users;
};

// Whether NetBox lets `user` send `method` to `path` at all (else 403): a read-only token
// may not write, and a user without a permission on a model may not list it. /api/,
// /api/status/ and /api/users/config/ need only a valid token.
bool permits(const LabUser& user, const std::string& method, const std::string& path);
// Whether `user` may view `device` (the device's site index + 1 is its NetBox site id).
bool may_view(const LabUser& user, const LabDevice& device);

}  // namespace nbsync::lab
