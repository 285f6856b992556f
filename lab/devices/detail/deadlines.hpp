#pragma once
// The moments a worker's event loop must wake up at (a timing wait ending, a paced write,
// a scheduled drop), as a min-heap of (time, session serial): a deadline that passes wakes
// only its own session.
//
// Deadlines share loop turns (issue 17): one is served by the first loop turn at or after
// its time, whatever woke that turn (a client's packet, another deadline), and the loop
// sleeps at most until the earliest deadline plus k_slack. Under load most deadlines ride
// on turns that happen anyway; the ones that do wake the loop come in batches of k_slack.
// A deadline is never served early, and at most k_slack late.
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
  static constexpr Clock::duration k_slack = std::chrono::milliseconds(50);

  // `session` 0: only the loop wakes (no session).
  void add(Clock::time_point due, std::uint64_t session = 0) { m_heap.push({due, session}); }
  // Removes every deadline at or before `now`, calling wake(session) for each.
  template <typename Wake>
  void pass(Clock::time_point now, Wake&& wake) {
    while (!m_heap.empty() && m_heap.top().due <= now) {
      const std::uint64_t session = m_heap.top().session;
      m_heap.pop();
      wake(session);
    }
  }
  // Drops the earliest deadlines of sessions that are gone (live(session) false), so that
  // they wake nobody. Entries further back are dropped when they come to the front.
  template <typename Live>
  void forget_gone(Live&& live) {
    while (!m_heap.empty() && m_heap.top().session != 0 && !live(m_heap.top().session)) {
      m_heap.pop();
    }
  }
  // Milliseconds until the loop must wake (the earliest deadline plus k_slack), at most
  // `cap`, rounded up.
  int timeout_ms(Clock::time_point now, int cap) const {
    if (m_heap.empty()) {
      return cap;
    }
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(m_heap.top().due + k_slack - now).count();
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
