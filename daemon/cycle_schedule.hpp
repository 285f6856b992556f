#pragma once
// When the next backup cycle starts. Cycles start `interval` apart, measured start to
// start, each delayed by a random jitter in [0, max_jitter] so that many instances do not
// hit NetBox at the same moment. A cycle that ran longer than the interval has the next
// one start at once, without jitter, and the overrun is reported. Pure: the caller gives
// the times, and the jitter source can be seeded or replaced.
#include <chrono>
#include <cstdint>
#include <functional>

namespace nbsync::daemon {

using CycleClock = std::chrono::steady_clock;

struct NextCycle {
  CycleClock::time_point start;
  std::chrono::milliseconds jitter{0};      // the random delay included in `start`
  std::chrono::milliseconds overran_by{0};  // how much longer than the interval the last cycle ran
  bool overran() const { return overran_by.count() > 0; }
};

// Returns a delay in [0, max].
using JitterSource = std::function<std::chrono::milliseconds(std::chrono::milliseconds max)>;

// Uniform jitter from a PRNG seeded with `seed` (the same seed gives the same sequence).
JitterSource uniform_jitter(std::uint64_t seed);
// Uniform jitter seeded from std::random_device.
JitterSource uniform_jitter();

// `fraction` (0..1) of `interval`, e.g. 0.1 for up to 10 %.
std::chrono::milliseconds jitter_fraction(std::chrono::milliseconds interval, double fraction);

class CycleSchedule {
public:
  // Throws std::invalid_argument unless interval > 0 and 0 <= max_jitter <= interval.
  CycleSchedule(std::chrono::milliseconds interval, std::chrono::milliseconds max_jitter,
                JitterSource jitter = uniform_jitter());

  // The start of the cycle after one that ran from `last_start` to `last_end`.
  NextCycle next(CycleClock::time_point last_start, CycleClock::time_point last_end);

  std::chrono::milliseconds interval() const { return m_interval; }
  std::chrono::milliseconds max_jitter() const { return m_max_jitter; }

private:
  std::chrono::milliseconds m_interval;
  std::chrono::milliseconds m_max_jitter;
  JitterSource m_jitter;
};

}  // namespace nbsync::daemon
