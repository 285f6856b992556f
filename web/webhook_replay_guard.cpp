#include "web/webhook_replay_guard.hpp"

namespace nbsync::web {

WebhookReplayGuard::Verdict WebhookReplayGuard::check(const std::string& request_id, std::int64_t device_id,
                                                      Clock::time_point sent, Clock::time_point now) {
  if (sent < now - m_max_age || sent > now + m_max_age) {
    return Verdict::too_old;
  }
  std::lock_guard lock(m_mutex);
  forget_older_than(now - 2 * m_max_age);
  const bool inserted = m_seen.emplace(request_id + " " + std::to_string(device_id), sent).second;
  return inserted ? Verdict::fresh : Verdict::replayed;
}

void WebhookReplayGuard::forget_older_than(Clock::time_point cutoff) {
  for (auto it = m_seen.begin(); it != m_seen.end();) {
    it = it->second < cutoff ? m_seen.erase(it) : std::next(it);
  }
}

}  // namespace nbsync::web
