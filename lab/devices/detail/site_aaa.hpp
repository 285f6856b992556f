#pragma once
// A site's AAA server (TACACS+/RADIUS) as the site's devices see it (issue 17): it answers
// one login every 1/rate seconds, so at most `logins_per_second` a second; a login queues
// behind those before it. A login whose answer would come later than the device's AAA
// timeout is dropped from the queue and fails at the timeout, as a TACACS+ timeout does.
// Rate 0: no limit. Pure arithmetic on times: the worker's timers do the waiting.
//
// A site's devices sit in every worker process (workers take devices by id), and all of
// them queue at the site's one server: each site's next free turn is a slot in memory the
// lab maps shared before it forks its workers (SiteAaaTurns), taken with compare-and-swap.
// steady_clock is CLOCK_MONOTONIC, one clock for every process.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace nbsync::lab::detail {

class SiteAaaTurns {
public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t k_sites = 1 << 16;  // site indexes past it go unlimited

  struct Answer {
    Clock::time_point at;    // when the device answers the login
    bool timed_out = false;  // the answer is a failure at the AAA timeout
    bool waited = false;     // the login queued behind others
  };

  SiteAaaTurns();  // maps the slots, shared with the processes forked after
  ~SiteAaaTurns();
  SiteAaaTurns(const SiteAaaTurns&) = delete;
  SiteAaaTurns& operator=(const SiteAaaTurns&) = delete;

  // A login at `site` asked at `now`; `latency`: the AAA server's own answer time (the
  // device's auth_ms); `timeout`: how long the device waits for an answer.
  Answer ask(std::uint32_t site, double logins_per_second, Clock::time_point now, Clock::duration latency,
             Clock::duration timeout);

private:
  std::atomic<std::int64_t>* m_turns = nullptr;  // by site: steady_clock ticks of its next free turn
};

}  // namespace nbsync::lab::detail
