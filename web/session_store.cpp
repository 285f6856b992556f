#include "web/session_store.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace nbsync::web {
namespace {

constexpr std::size_t k_id_bytes = 32;

std::string random_id() {
  unsigned char bytes[k_id_bytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw std::runtime_error("web: the system's random generator failed; no session was created");
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string id;
  id.reserve(2 * k_id_bytes);
  for (unsigned char byte : bytes) {
    id.push_back(k_hex[byte >> 4]);
    id.push_back(k_hex[byte & 15]);
  }
  return id;
}

}  // namespace

SessionStore::SessionStore(std::chrono::seconds idle, std::chrono::seconds max, std::chrono::seconds permission_ttl)
    : m_idle(idle), m_max(max), m_permission_ttl(permission_ttl) {}

bool SessionStore::expired(const Session& session, Clock::time_point now) const {
  return now - session.last_used >= m_idle || now - session.created >= m_max;
}

std::string SessionStore::create(Secret token, Clock::time_point now) {
  std::string id = random_id();
  std::lock_guard lock(m_mutex);
  for (auto it = m_sessions.begin(); it != m_sessions.end();) {  // sign-ins are rare: sweep then
    it = expired(it->second, now) ? m_sessions.erase(it) : std::next(it);
  }
  m_sessions[id] = Session{std::move(token), now, now, {}, nullptr, {}, random_id()};
  return id;
}

std::optional<Secret> SessionStore::use(const std::string& id, Clock::time_point now) {
  std::lock_guard lock(m_mutex);
  const auto it = m_sessions.find(id);
  if (it == m_sessions.end()) {
    return std::nullopt;
  }
  if (expired(it->second, now)) {
    m_sessions.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second.token;
}

std::string SessionStore::form_token(const std::string& id) {
  std::lock_guard lock(m_mutex);
  const auto it = m_sessions.find(id);
  return it == m_sessions.end() ? std::string() : it->second.form_token;
}

void SessionStore::remove(const std::string& id) {
  std::lock_guard lock(m_mutex);
  m_sessions.erase(id);
}

std::optional<bool> SessionStore::cached_permission(const std::string& id, std::int64_t device_id,
                                                    Clock::time_point now) {
  std::lock_guard lock(m_mutex);
  const auto session = m_sessions.find(id);
  if (session == m_sessions.end()) {
    return std::nullopt;
  }
  const auto it = session->second.permissions.find(device_id);
  if (it == session->second.permissions.end() || now >= it->second.until) {
    return std::nullopt;
  }
  return it->second.visible;
}

void SessionStore::remember_permission(const std::string& id, std::int64_t device_id, bool visible,
                                       Clock::time_point now) {
  std::lock_guard lock(m_mutex);
  const auto session = m_sessions.find(id);
  if (session != m_sessions.end() && m_permission_ttl.count() > 0) {
    session->second.permissions[device_id] = {visible, now + m_permission_ttl};
  }
}

std::shared_ptr<const DeviceIds> SessionStore::cached_visible_devices(const std::string& id, Clock::time_point now) {
  std::lock_guard lock(m_mutex);
  const auto session = m_sessions.find(id);
  if (session == m_sessions.end() || now >= session->second.visible_devices_until) {
    return nullptr;
  }
  return session->second.visible_devices;
}

void SessionStore::remember_visible_devices(const std::string& id, std::shared_ptr<const DeviceIds> ids,
                                            Clock::time_point now) {
  std::lock_guard lock(m_mutex);
  const auto session = m_sessions.find(id);
  if (session != m_sessions.end() && m_permission_ttl.count() > 0) {
    session->second.visible_devices = std::move(ids);
    session->second.visible_devices_until = now + m_permission_ttl;
  }
}

std::size_t SessionStore::size() {
  std::lock_guard lock(m_mutex);
  return m_sessions.size();
}

}  // namespace nbsync::web
