#include "web/sign_in_limiter.hpp"

namespace nbsync::web {

SignInLimiter::SignInLimiter(std::size_t max_failures, std::chrono::seconds window)
    : m_max_failures(max_failures), m_window(window) {}

void SignInLimiter::forget_old(std::deque<Clock::time_point>& failures, Clock::time_point now) const {
  while (!failures.empty() && now - failures.front() >= m_window) {
    failures.pop_front();
  }
}

std::chrono::seconds SignInLimiter::wait(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(m_mutex);
  const auto it = m_failures.find(address);
  if (it == m_failures.end()) {
    return std::chrono::seconds(0);
  }
  forget_old(it->second, now);
  if (it->second.size() < m_max_failures) {
    if (it->second.empty()) {
      m_failures.erase(it);
    }
    return std::chrono::seconds(0);
  }
  const auto left = m_window - (now - it->second.front());
  return std::chrono::ceil<std::chrono::seconds>(left);
}

void SignInLimiter::failed(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(m_mutex);
  auto& failures = m_failures[address];
  forget_old(failures, now);
  failures.push_back(now);
}

}  // namespace nbsync::web
