#pragma once
// Capped exponential backoff with full jitter: attempt n waits a random time in
// [0, min(cap, base * 2^n)]. Spreads retries of many clients so they do not return in
// lockstep. Thread-safe (each call uses its own thread-local generator).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace nbsync {

inline std::chrono::milliseconds full_jitter_backoff(int attempt, std::chrono::milliseconds base,
                                                     std::chrono::milliseconds cap) {
  const int shift = std::clamp(attempt, 0, 30);
  const std::int64_t ceiling = std::min<std::int64_t>(cap.count(), base.count() * (std::int64_t{1} << shift));
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<std::int64_t> pick(0, std::max<std::int64_t>(ceiling, 0));
  return std::chrono::milliseconds(pick(generator));
}

}  // namespace nbsync
