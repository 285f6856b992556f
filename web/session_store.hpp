#pragma once
// The viewer's signed-in sessions, in memory only: a random id (the cookie's value) maps to
// the user's NetBox token and NetBox's cached answers about which devices that token may
// see, one by one and as the whole set fleet pages filter by. A session ends when unused for `idle`, `max` after
// sign-in, or on sign-out; an ended session is gone (its token with it). Thread-safe: one mutex guards the map.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "types/secret.hpp"
#include "web/netbox_access.hpp"

namespace nbsync::web {

using Clock = std::chrono::steady_clock;

class SessionStore {
public:
  SessionStore(std::chrono::seconds idle, std::chrono::seconds max, std::chrono::seconds permission_ttl);

  // A new session for `token`; returns its id (64 hex digits from the system's CSPRNG).
  std::string create(Secret token, Clock::time_point now);
  // The token of a live session, marking it used at `now`; nullopt (and the session
  // forgotten) when unknown or expired.
  std::optional<Secret> use(const std::string& id, Clock::time_point now);
  void remove(const std::string& id);
  // The session's form token (64 hex digits, made with the session, never in a cookie):
  // a form that changes something carries it, so another site cannot post one ("" when
  // the session is unknown).
  std::string form_token(const std::string& id);

  // NetBox's answer on whether the session's token may see `device_id`, while fresh.
  std::optional<bool> cached_permission(const std::string& id, std::int64_t device_id, Clock::time_point now);
  void remember_permission(const std::string& id, std::int64_t device_id, bool visible, Clock::time_point now);

  // Every device the session's token may see (for fleet pages), while fresh.
  std::shared_ptr<const DeviceIds> cached_visible_devices(const std::string& id, Clock::time_point now);
  void remember_visible_devices(const std::string& id, std::shared_ptr<const DeviceIds> ids, Clock::time_point now);

  std::size_t size();

private:
  struct Permission {
    bool visible = false;
    Clock::time_point until;
  };
  struct Session {
    Secret token;
    Clock::time_point created;
    Clock::time_point last_used;
    std::map<std::int64_t, Permission> permissions;
    std::shared_ptr<const DeviceIds> visible_devices;
    Clock::time_point visible_devices_until;
    std::string form_token;
  };
  bool expired(const Session& session, Clock::time_point now) const;

  std::chrono::seconds m_idle;
  std::chrono::seconds m_max;
  std::chrono::seconds m_permission_ttl;
  std::mutex m_mutex;
  std::map<std::string, Session> m_sessions;
};

}  // namespace nbsync::web
