#include "backup/scope_limiter.hpp"

#include <algorithm>
#include <limits>

namespace nbsync::backup {

namespace {

ScopeLimiter::Clock::duration login_spacing(double logins_per_second) {
  if (logins_per_second <= 0) {
    return ScopeLimiter::Clock::duration{0};
  }
  return std::chrono::duration_cast<ScopeLimiter::Clock::duration>(
      std::chrono::duration<double>(1.0 / logins_per_second));
}

}  // namespace

ScopeLimiter::ScopeLimiter(std::vector<ScopeLimit> limits) {
  m_limits.reserve(limits.size());
  for (auto& limit : limits) {
    Scope scope;
    scope.login_spacing = login_spacing(limit.logins_per_second);
    scope.state.scope = limit.scope.describe();
    scope.state.sessions_cap = limit.sessions;
    scope.state.logins_per_second_cap = limit.logins_per_second;
    scope.limit = std::move(limit);
    m_limits.push_back(std::move(scope));
  }
  m_configured = m_limits.size();
}

std::uint16_t ScopeLimiter::add_jump_host(const std::string& name, int sessions) {
  Scope scope;
  scope.limit.sessions = sessions;
  scope.state.scope = "jump host " + name;
  scope.state.sessions_cap = sessions;
  m_limits.push_back(std::move(scope));
  return static_cast<std::uint16_t>(m_limits.size() - 1);
}

std::optional<std::uint16_t> ScopeLimiter::add_site(const std::string& site, int sessions) {
  if (m_limits.size() >= std::numeric_limits<std::uint16_t>::max()) {
    return std::nullopt;
  }
  Scope scope;
  scope.limit.sessions = sessions;
  scope.state.scope = "site " + site;
  scope.state.sessions_cap = sessions;
  scope.state.adaptive = true;
  scope.state.lowest_cap = sessions;
  m_limits.push_back(std::move(scope));
  return static_cast<std::uint16_t>(m_limits.size() - 1);
}

std::optional<std::uint16_t> ScopeLimiter::add_site_pace(const std::string& site, double logins_per_second) {
  if (m_limits.size() >= std::numeric_limits<std::uint16_t>::max()) {
    return std::nullopt;
  }
  Scope scope;
  scope.limit.logins_per_second = logins_per_second;
  scope.login_spacing = login_spacing(logins_per_second);
  scope.state.scope = "site " + site + " logins";
  scope.state.logins_per_second_cap = logins_per_second;
  scope.state.site_pace = true;
  m_limits.push_back(std::move(scope));
  return static_cast<std::uint16_t>(m_limits.size() - 1);
}

bool ScopeLimiter::sets_login_rate(const LimitSet& set) const {
  return std::any_of(set.begin(), set.end(),
                     [this](std::uint16_t index) { return m_limits[index].limit.logins_per_second > 0; });
}

void ScopeLimiter::set_sessions_cap(std::uint16_t index, int sessions, int backoffs, int lowest) {
  auto& scope = m_limits[index];
  scope.limit.sessions = sessions;
  scope.state.sessions_cap = sessions;
  scope.state.backoffs = backoffs;
  scope.state.lowest_cap = lowest;
}

LimitSet ScopeLimiter::limits_for(const inventory::Device& device) const {
  LimitSet set;
  for (std::size_t i = 0; i < m_configured; ++i) {  // the pool's own (jump hosts, sites) come after
    if (m_limits[i].limit.scope.matches(device)) {
      set.push_back(static_cast<std::uint16_t>(i));
    }
  }
  return set;
}

ScopeLimiter::Clock::time_point ScopeLimiter::login_free_at(const LimitSet& set, Clock::time_point now) const {
  Clock::time_point free_at = now;
  for (const auto index : set) {
    free_at = std::max(free_at, m_limits[index].next_login);
  }
  return free_at;
}

ScopeLimiter::Clock::time_point ScopeLimiter::session_free_at(const LimitSet& set, Clock::time_point now) const {
  for (const auto index : set) {
    const auto& scope = m_limits[index];
    if (scope.limit.sessions > 0 && scope.state.sessions >= scope.limit.sessions) {
      return Clock::time_point::max();
    }
  }
  return login_free_at(set, now);
}

void ScopeLimiter::open_session(const LimitSet& set, Clock::time_point now) {
  for (const auto index : set) {
    auto& state = m_limits[index].state;
    state.peak_sessions = std::max(state.peak_sessions, ++state.sessions);
  }
  logged_in(set, reserve_login(set, now));
}

ScopeLimiter::Clock::time_point ScopeLimiter::reserve_login(const LimitSet& set, Clock::time_point now) {
  const auto slot = login_free_at(set, now);
  for (const auto index : set) {
    auto& scope = m_limits[index];
    scope.next_login = slot + scope.login_spacing;
    ++scope.state.logins;
  }
  return slot;
}

ScopeLimiter::Clock::time_point ScopeLimiter::spaced_after_last(const LimitSet& set) const {
  Clock::time_point free_at{};
  for (const auto index : set) {
    free_at = std::max(free_at, m_limits[index].last_login + m_limits[index].login_spacing);
  }
  return free_at;
}

void ScopeLimiter::logged_in(const LimitSet& set, Clock::time_point now) {
  for (const auto index : set) {
    auto& scope = m_limits[index];
    scope.last_login = now;
    scope.next_login = std::max(scope.next_login, now + scope.login_spacing);
  }
}

void ScopeLimiter::close_session(const LimitSet& set) {
  for (const auto index : set) {
    --m_limits[index].state.sessions;
  }
}

std::vector<ScopeLimitState> ScopeLimiter::states() const {
  std::vector<ScopeLimitState> states;
  states.reserve(m_limits.size());
  for (const auto& scope : m_limits) {
    states.push_back(scope.state);
  }
  return states;
}

}  // namespace nbsync::backup
