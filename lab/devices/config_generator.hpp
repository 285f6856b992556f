#pragma once
// Running configurations of simulated devices, generated on demand (never stored) from
// (seed, device id, version). The same inputs give the same config apart from the volatile
// lines, which depend on the read time and a per-read nonce and change on every read
// without a new version (IOS "! Last configuration change at", "! NVRAM config last
// updated at", "ntp clock-period"; NX-OS "!Time:", "!Running configuration last done at";
// EOS "! Startup-config last modified at"; IOS XR "!! Last configuration change at"). Junos
// and PAN-OS configs have no volatile lines.
// Sizes: ~5 % 3-10 KB, ~85 % 20-60 KB, ~10 % 100-400 KB, fixed per device.
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "lab/devices/faults.hpp"

namespace nbsync::lab {

struct ConfigRequest {
  std::uint64_t seed = 0;
  std::int64_t id = 0;
  std::string hostname;
  Platform platform = Platform::cisco_ios;
  std::uint32_t version = 0;
  std::uint32_t secret_generation = 0;  // each rotation draws every secret anew
  std::time_t now = 0;                  // read time, for the volatile lines
  std::uint64_t read_nonce = 0;         // varies the volatile lines between reads in the same second
};

struct GeneratedConfig {
  // Exactly what the platform's show command prints, with "\n" line ends (a pty turns them
  // into "\r\n"). IOS: "Building configuration...\n\nCurrent configuration : N bytes\n"
  // followed by the body, where N = size of the body ("!" ... "end\n") in bytes.
  std::string output;
  std::size_t body_offset = 0;                 // where the config proper starts in `output`
  std::vector<std::string> secrets;            // secret values present in the text (for leak tests)
  std::vector<std::string> volatile_prefixes;  // line starts whose lines change on every read
};

GeneratedConfig generate_config(const ConfigRequest& request);

// The byte size the device's config aims at (before version changes), from (seed, id).
std::size_t target_config_size(std::uint64_t seed, std::int64_t id);

// The command that prints the config on each platform (generic: "cat /etc/config").
std::string show_config_command(Platform platform);

}  // namespace nbsync::lab
