#pragma once
// How fast a session's output may leave (the trickle fault, the timing's output rate): a
// token bucket refilled at `rate` bytes per second that writes `burst` bytes at a time. A
// short answer after a pause goes out at once; a long config comes out in writes of `burst`
// bytes at the rate's average. Unpaced (rate 0) sessions are never held back.
//
// The event loop serves a write up to `late_by` after its time (deadlines share loop turns):
// the bucket holds `burst` plus what refills in `late_by`, so a late write sends more and the
// average rate stays the device's.
#include <algorithm>
#include <chrono>
#include <cstddef>

namespace nbsync::lab::detail {

class OutputPace {
public:
  using Clock = std::chrono::steady_clock;

  OutputPace() = default;
  OutputPace(double bytes_per_second, double burst, Clock::time_point now, Clock::duration late_by = {})
      : m_rate(bytes_per_second),
        m_burst(burst),
        m_capacity(burst + bytes_per_second * std::chrono::duration<double>(late_by).count()),
        m_tokens(burst),
        m_filled_at(now),
        m_next(now) {}

  bool paced() const { return m_rate > 0; }
  // The earliest moment of the next write (in the past when one may go now).
  Clock::time_point next_write() const { return m_next; }
  // Bytes that may be written now (`limit` when unpaced).
  std::size_t allowance(Clock::time_point now, std::size_t limit) {
    if (!paced()) {
      return limit;
    }
    if (now < m_next) {
      return 0;
    }
    m_tokens = std::min(m_capacity, m_tokens + m_rate * std::chrono::duration<double>(now - m_filled_at).count());
    m_filled_at = now;
    return std::min(limit, static_cast<std::size_t>(m_tokens));
  }
  // After writing `bytes`; with output still waiting, returns when `burst` bytes are there
  // again (the next write), else Clock::time_point{}.
  Clock::time_point spent(std::size_t bytes, bool more_waiting, Clock::time_point now) {
    if (!paced()) {
      return {};
    }
    m_tokens -= static_cast<double>(bytes);
    if (!more_waiting || m_tokens >= m_burst) {
      return {};
    }
    m_next =
        now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>((m_burst - m_tokens) / m_rate));
    return m_next;
  }

private:
  double m_rate = 0;
  double m_burst = 0;
  double m_capacity = 0;
  double m_tokens = 0;
  Clock::time_point m_filled_at;
  Clock::time_point m_next;
};

}  // namespace nbsync::lab::detail
