#pragma once
// How many sessions one site may have at once when nbsync notices it struggling, on top of
// any configured [[ssh.limit]]: additive increase, multiplicative decrease, as TCP does with
// its congestion window. Every login that goes well widens the window (by one at first,
// until the first back-off; then by one per window's worth of logins). Sessions at the site
// failing "together" (two of them that started after the last back-off, timing out or
// refused only after a long wait, as a TACACS server that cannot keep up makes them) halve
// it, down to one. A session that started before the last back-off cannot cause another:
// one overload is one back-off. Not thread-safe: the pool calls it under its mutex.
#include <chrono>
#include <cstdint>

namespace nbsync::backup {

class CongestionWindow {
public:
  using Clock = std::chrono::steady_clock;

  CongestionWindow(int start, int max);

  int allowed() const;  // sessions at once now, at least 1
  // A login (a session's attempt) that started at `started` ended at `now`; `struggled`:
  // it timed out, or was refused after a long wait.
  void record(Clock::time_point started, bool struggled, Clock::time_point now);

  int backoffs() const { return m_backoffs; }
  int lowest() const { return m_lowest; }  // the narrowest the window has been

private:
  double m_window;
  int m_max;
  bool m_slow_start = true;
  Clock::time_point m_last_backoff{};
  int m_struggles = 0;  // since the last back-off
  int m_backoffs = 0;
  int m_lowest;
};

}  // namespace nbsync::backup
