#pragma once
// The moments a worker's event loop must wake up at (a timing wait ending, a paced write,
// a scheduled drop), as a min-heap of times: the poll timeout is the earliest one, found
// in O(1) instead of a scan over every session. Entries are never removed early: one that
// no longer matters only costs a loop turn.
#include <algorithm>
#include <chrono>
#include <functional>
#include <queue>
#include <vector>

namespace nbsync::lab::detail {

class Deadlines {
public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration k_tick = std::chrono::milliseconds(10);

  // Wake-ups are rounded up to a grid of k_tick, so that the timers of many sessions due
  // about together share one loop turn (a turn costs a poll over every live session).
  void add(Clock::time_point due) {
    const auto since_epoch = due.time_since_epoch();
    m_heap.push(Clock::time_point(since_epoch + (k_tick - since_epoch % k_tick) % k_tick));
  }
  // Forgets every deadline at or before `now` (the loop turn that follows serves them).
  void pass(Clock::time_point now) {
    while (!m_heap.empty() && m_heap.top() <= now) {
      m_heap.pop();
    }
  }
  // Milliseconds until the earliest deadline, at most `cap`, rounded up.
  int timeout_ms(Clock::time_point now, int cap) const {
    if (m_heap.empty()) {
      return cap;
    }
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(m_heap.top() - now).count();
    return static_cast<int>(std::clamp<long long>(wait, 0, cap));
  }
  std::size_t size() const { return m_heap.size(); }

private:
  std::priority_queue<Clock::time_point, std::vector<Clock::time_point>, std::greater<>> m_heap;
};

}  // namespace nbsync::lab::detail
