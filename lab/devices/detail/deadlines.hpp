#pragma once
// The moments a worker's event loop must wake up at (a timing wait ending, a paced write,
// a scheduled drop), as a min-heap of (time, session serial): the poll timeout is the
// earliest one, found in O(1), and a deadline that passes wakes only its own session.
// Entries are never removed early: one that no longer matters only costs a wake-up.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace nbsync::lab::detail {

class Deadlines {
public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration k_tick = std::chrono::milliseconds(10);

  // Wake-ups are rounded up to a grid of k_tick, so that the timers of many sessions due
  // about together share one loop turn. `session` 0: only the loop wakes (no session).
  void add(Clock::time_point due, std::uint64_t session = 0) {
    const auto since_epoch = due.time_since_epoch();
    m_heap.push({Clock::time_point(since_epoch + (k_tick - since_epoch % k_tick) % k_tick), session});
  }
  // Removes every deadline at or before `now`, calling wake(session) for each.
  template <typename Wake>
  void pass(Clock::time_point now, Wake&& wake) {
    while (!m_heap.empty() && m_heap.top().due <= now) {
      const std::uint64_t session = m_heap.top().session;
      m_heap.pop();
      wake(session);
    }
  }
  // Milliseconds until the earliest deadline, at most `cap`, rounded up.
  int timeout_ms(Clock::time_point now, int cap) const {
    if (m_heap.empty()) {
      return cap;
    }
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(m_heap.top().due - now).count();
    return static_cast<int>(std::clamp<long long>(wait, 0, cap));
  }
  std::size_t size() const { return m_heap.size(); }

private:
  struct Entry {
    Clock::time_point due;
    std::uint64_t session = 0;
    bool operator>(const Entry& o) const { return due > o.due; }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> m_heap;
};

}  // namespace nbsync::lab::detail
