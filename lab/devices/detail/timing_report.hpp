#pragma once
// What the lab itself made its clients wait (issue 17, /lab/timing): for every session that
// read a config, the banner delay, the login delay, the think time and the time the output
// rate added, summed per platform with the slowest session. A benchmark divides the sum by
// its concurrency (and compares with the slowest) to get the best any client could do.
#include <cstdint>
#include <map>

#include <nlohmann/json.hpp>

#include "lab/devices/faults.hpp"

namespace nbsync::lab::detail {

class TimingReport {
public:
  void add(Platform platform, std::int64_t device, double waited_ms);
  void reset() { m_platforms.clear(); }
  // {"sessions": N, "waited_ms": S, "slowest_ms": M, "slowest_device": ID,
  //  "platforms": {"cisco-ios": {...same keys...}, ...}}
  nlohmann::json to_json() const;
  // Adds another worker's to_json() into `total` (same shape).
  static void merge(nlohmann::json& total, const nlohmann::json& worker);

private:
  struct Totals {
    std::uint64_t sessions = 0;
    double waited_ms = 0;
    double slowest_ms = 0;
    std::int64_t slowest_device = 0;
  };
  std::map<Platform, Totals> m_platforms;
};

}  // namespace nbsync::lab::detail
