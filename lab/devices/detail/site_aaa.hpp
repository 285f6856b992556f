#pragma once
// A site's AAA server (TACACS+/RADIUS) as the site's devices see it (issue 17): it answers
// one login every 1/rate seconds, so at most `logins_per_second` a second; a login queues
// behind those before it. A login whose answer would come later than the device's AAA
// timeout is dropped from the queue and fails at the timeout, as a TACACS+ timeout does.
// Rate 0: no limit. Pure arithmetic on times: the worker's timers do the waiting.
#include <algorithm>
#include <chrono>

namespace nbsync::lab::detail {

class SiteAaa {
public:
  using Clock = std::chrono::steady_clock;

  struct Answer {
    Clock::time_point at;    // when the device answers the login
    bool timed_out = false;  // the answer is a failure at the AAA timeout
    bool waited = false;     // the login queued behind others
  };

  SiteAaa() = default;
  explicit SiteAaa(double logins_per_second) : m_rate(logins_per_second) {}

  double logins_per_second() const { return m_rate; }

  // A login asked at `now`; `latency`: the AAA server's own answer time (the device's
  // auth_ms); `timeout`: how long the device waits for an answer.
  Answer ask(Clock::time_point now, Clock::duration latency, Clock::duration timeout) {
    if (m_rate <= 0) {
      return {now + latency, false, false};
    }
    const Clock::time_point turn = std::max(now, m_next_turn);
    if (turn - now + latency > timeout) {
      return {now + timeout, true, true};
    }
    m_next_turn = turn + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / m_rate));
    return {turn + latency, false, turn > now};
  }

private:
  double m_rate = 0;
  Clock::time_point m_next_turn{};
};

}  // namespace nbsync::lab::detail
