#pragma once
// [[ssh.limit]]: at most `sessions` SSH sessions at once, and at most `logins_per_second`
// new logins a second, among the devices a selector matches (a site's vty-poor switches,
// the devices behind one TACACS server). Every limit that matches a device holds, so the
// strictest one decides. Not thread-safe: the pool calls it under its own mutex.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "inventory/device_selector.hpp"

namespace nbsync::backup {

struct ScopeLimit {
  inventory::DeviceSelector scope;
  int sessions = 0;              // 0: no cap on sessions at once
  double logins_per_second = 0;  // 0: no cap on the login rate
};

// The indexes of the limits one device falls under, ascending; empty when none does.
using LimitSet = std::vector<std::uint16_t>;

// What one limit saw in a cycle, for the summary and /metrics.
struct ScopeLimitState {
  std::string scope;  // DeviceSelector::describe(), "jump host NAME" or "site SLUG"
  int sessions_cap = 0;
  double logins_per_second_cap = 0;
  int sessions = 0;  // open now
  int peak_sessions = 0;
  std::uint64_t logins = 0;
  bool adaptive = false;   // a site's window: sessions_cap is where it ended
  int backoffs = 0;        // adaptive: times the site struggled and the window halved
  int lowest_cap = 0;      // adaptive: the narrowest the window was
  bool site_pace = false;  // a site's login pace (ssh.site_logins_per_second)
};

class ScopeLimiter {
public:
  using Clock = std::chrono::steady_clock;

  explicit ScopeLimiter(std::vector<ScopeLimit> limits = {});

  // A cap on the device sessions through one jump host (0: none, only counted), for the
  // pool to add to the set of every device whose route passes it. Returns its index.
  std::uint16_t add_jump_host(const std::string& name, int sessions);
  // A site's cap that the pool moves as the site copes (CongestionWindow); none once the
  // limits' indexes are used up (the site then goes without).
  std::optional<std::uint16_t> add_site(const std::string& site, int sessions);
  void set_sessions_cap(std::uint16_t index, int sessions, int backoffs, int lowest);
  // A site's pace of new logins (ssh.site_logins_per_second); none once the indexes are
  // used up.
  std::optional<std::uint16_t> add_site_pace(const std::string& site, double logins_per_second);
  // Whether a limit of `set` paces logins itself (a configured logins_per_second).
  bool sets_login_rate(const LimitSet& set) const;

  bool empty() const { return m_limits.empty(); }
  // The [[ssh.limit]] scopes matching the device (never a jump host's).
  LimitSet limits_for(const inventory::Device& device) const;

  // When a new session under `set` may open: at or before `now` when it may now, later when
  // a login rate holds it back, Clock::time_point::max() while a session cap is full.
  Clock::time_point session_free_at(const LimitSet& set, Clock::time_point now) const;
  // When a session already open under `set` may log in again (a retry): only the rates count.
  Clock::time_point login_free_at(const LimitSet& set, Clock::time_point now) const;

  void open_session(const LimitSet& set, Clock::time_point now);  // one session and its login
  // Takes the next free login slot under `set` for a session already open (a paced first
  // login, a retry) and returns when it is: each waiting login then knows its own time and
  // wakes once, at it, instead of every waiter waking whenever any slot may have freed.
  Clock::time_point reserve_login(const LimitSet& set, Clock::time_point now);
  // After its slot: when a login may really go, one spacing after the last login that went
  // under `set` (a waiter woken late pushes the next one back rather than the two going
  // together). `logged_in` records that it went.
  Clock::time_point spaced_after_last(const LimitSet& set) const;
  void logged_in(const LimitSet& set, Clock::time_point now);
  void close_session(const LimitSet& set);

  std::vector<ScopeLimitState> states() const;

private:
  struct Scope {
    ScopeLimit limit;
    Clock::duration login_spacing{0};  // 1 / logins_per_second
    Clock::time_point next_login{};    // no login under this limit before then
    Clock::time_point last_login{};    // when the last login under it went
    ScopeLimitState state;
  };

  std::vector<Scope> m_limits;
  // The [[ssh.limit]] scopes, matched by selector: the first ones. The pool's own (jump
  // hosts, sites) follow, so matching a device never walks a fleet's thousands of sites.
  std::size_t m_configured = 0;
};

}  // namespace nbsync::backup
