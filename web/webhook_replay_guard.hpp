#pragma once
// Refuses a webhook seen before or too old to trust: one (request_id, device) is accepted
// once (a bulk edit sends one webhook per device with the same request_id), and a
// timestamp further than `max_age` from now, either way, is refused. Ids are remembered
// twice as long as max_age, so a replay is refused either as seen or as too old.
// Thread-safe.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace nbsync::web {

class WebhookReplayGuard {
public:
  using Clock = std::chrono::system_clock;
  explicit WebhookReplayGuard(std::chrono::seconds max_age) : m_max_age(max_age) {}

  enum class Verdict { fresh, replayed, too_old };
  // Records the webhook when it is fresh.
  Verdict check(const std::string& request_id, std::int64_t device_id, Clock::time_point sent, Clock::time_point now);

private:
  void forget_older_than(Clock::time_point cutoff);

  std::chrono::seconds m_max_age;
  std::mutex m_mutex;
  std::map<std::string, Clock::time_point> m_seen;  // "request_id device" -> when NetBox sent it
};

}  // namespace nbsync::web
