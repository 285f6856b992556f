#pragma once
// How long a simulated device makes its client wait (issue 17): the network's round trip
// before the SSH banner, the AAA server's answer to a login, the think time before a config
// is printed, the output rate, and a long tail of very slow devices. A TimingModel holds a
// distribution per platform (from a TOML file: the shipped "realistic" one or the user's);
// each device's values are drawn from (seed, device id) alone, so they never change between
// runs, and each site's AAA login rate from (seed, site). "none" is the instant lab every
// test uses.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lab/devices/faults.hpp"

namespace nbsync::lab {

// One device's waits. All zero: the device answers instantly (--timing none).
struct DeviceTiming {
  std::uint32_t banner_ms = 0;           // TCP accept -> SSH banner
  std::uint32_t auth_ms = 0;             // login request -> answer
  std::uint32_t think_ms = 0;            // config command -> first byte of the config
  std::uint32_t think_ms_per_kb = 0;     // added to think_ms per KB of config
  std::uint32_t output_bytes_per_s = 0;  // 0: as fast as the client reads
  std::uint32_t vty_lines = 0;           // concurrent sessions allowed; 0: no limit
  std::uint32_t aaa_timeout_ms = 0;      // how long a login waits for the AAA server; 0: 5 s
  bool long_tail = false;                // one of the very slow devices

  bool instant() const;
  std::uint32_t think_ms_for(std::size_t config_bytes) const;
};

nlohmann::json to_json(const DeviceTiming& t);
DeviceTiming device_timing_from_json(const nlohmann::json& j);

struct TimingRange {
  double min = 0;
  double max = 0;
};

// The distributions of one platform. Ranges are drawn log-uniformly (uniformly when min is 0).
struct PlatformTiming {
  TimingRange banner_ms;
  TimingRange auth_ms;
  TimingRange think_ms;
  double think_ms_per_kb = 0;
  TimingRange output_bytes_per_s;
  int vty_lines = 0;
  double aaa_timeout_ms = 5000;  // IOS's `tacacs-server timeout` default
  double long_tail_share = 0;
  TimingRange long_tail_s;  // a long-tail device's think time, replacing think_ms
};

class TimingModel {
public:
  // --timing none: every device instant.
  TimingModel() = default;
  // "none", "realistic" (the shipped file) or the path of a TOML file. Throws
  // std::invalid_argument with one line naming the file and the bad key.
  static TimingModel load(const std::string& spec);
  // TOML text; `source` names it in errors.
  static TimingModel parse(std::string_view text, const std::string& source);

  bool enabled() const { return m_enabled; }
  const std::string& name() const { return m_name; }
  DeviceTiming for_device(std::uint64_t seed, std::int64_t id, Platform platform) const;
  // Logins per second the AAA server of the site (its slug) answers at most; 0: no limit.
  double aaa_logins_per_second(std::uint64_t seed, std::string_view site) const;

private:
  std::string m_name = "none";
  bool m_enabled = false;
  TimingRange m_aaa_logins_per_second;  // [aaa] logins_per_second
  PlatformTiming m_default;
  std::map<Platform, PlatformTiming> m_platforms;
};

// The text of lab/devices/timing_realistic.toml, compiled in.
std::string_view realistic_timing_toml();

}  // namespace nbsync::lab
