#include "daemon/cycle_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <stdexcept>

namespace nbsync::daemon {

JitterSource uniform_jitter(std::uint64_t seed) {
  auto engine = std::make_shared<std::mt19937_64>(seed);
  return [engine](std::chrono::milliseconds max) {
    if (max.count() <= 0) {
      return std::chrono::milliseconds(0);
    }
    std::uniform_int_distribution<std::chrono::milliseconds::rep> pick(0, max.count());
    return std::chrono::milliseconds(pick(*engine));
  };
}

JitterSource uniform_jitter() {
  std::random_device device;
  return uniform_jitter((static_cast<std::uint64_t>(device()) << 32) | device());
}

std::chrono::milliseconds jitter_fraction(std::chrono::milliseconds interval, double fraction) {
  if (!(fraction >= 0.0 && fraction <= 1.0)) {
    throw std::invalid_argument("jitter fraction must be between 0 and 1");
  }
  return std::chrono::milliseconds(
      static_cast<std::chrono::milliseconds::rep>(std::floor(static_cast<double>(interval.count()) * fraction)));
}

CycleSchedule::CycleSchedule(std::chrono::milliseconds interval, std::chrono::milliseconds max_jitter,
                             JitterSource jitter)
    : m_interval(interval), m_max_jitter(max_jitter), m_jitter(std::move(jitter)) {
  if (interval.count() <= 0) {
    throw std::invalid_argument("the cycle interval must be longer than 0");
  }
  if (max_jitter.count() < 0 || max_jitter > interval) {
    throw std::invalid_argument("the cycle jitter must be between 0 and the interval");
  }
  if (!m_jitter) {
    throw std::invalid_argument("no jitter source");
  }
}

NextCycle CycleSchedule::next(CycleClock::time_point last_start, CycleClock::time_point last_end) {
  NextCycle next;
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(last_end - last_start);
  if (took > m_interval) {
    next.start = last_end;
    next.overran_by = took - m_interval;
    return next;
  }
  // A source that ignores its contract cannot push the start outside the promised window.
  next.jitter = std::clamp(m_jitter(m_max_jitter), std::chrono::milliseconds(0), m_max_jitter);
  next.start = last_start + m_interval + next.jitter;
  return next;
}

}  // namespace nbsync::daemon
