#pragma once
// Failed sign-ins, rate limited per client address: after `max_failures` failures within
// `window`, that address may not try again until the oldest of them is `window` old.
// Guessing a 40-character token is hopeless anyway; this keeps a script from using the
// viewer to hammer NetBox. Thread-safe.
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "web/session_store.hpp"

namespace nbsync::web {

class SignInLimiter {
public:
  SignInLimiter(std::size_t max_failures, std::chrono::seconds window);

  // Zero when `address` may try now, else how long it must wait.
  std::chrono::seconds wait(const std::string& address, Clock::time_point now);
  void failed(const std::string& address, Clock::time_point now);

private:
  void forget_old(std::deque<Clock::time_point>& failures, Clock::time_point now) const;

  std::size_t m_max_failures;
  std::chrono::seconds m_window;
  std::mutex m_mutex;
  std::map<std::string, std::deque<Clock::time_point>> m_failures;
};

}  // namespace nbsync::web
