#pragma once
// What a simulated device does wrong, and the platforms it imitates. A device carries a set
// of faults (a bit mask); FAULTS.md says what a correct client must conclude for each one.
// A fault mix ("refuse=0.01,flood=0.002") gives each device at most one fault, chosen from
// (seed, device id) alone, so the same seed always breaks the same devices.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nbsync::lab {

enum class Fault : std::uint32_t {
  refuse = 1U << 0,                // TCP connection refused (no listener)
  no_banner = 1U << 1,             // TCP accepted, SSH banner never sent
  wrong_password = 1U << 2,        // rejects the right credentials
  host_key_rotated = 1U << 3,      // presents a host key other than its published one
  hang_after_login = 1U << 4,      // authenticates, opens the shell, then prints nothing
  hang_mid_config = 1U << 5,       // stops partway through the config and keeps the session open
  trickle = 1U << 6,               // sends output slowly, in small pieces
  flood = 1U << 7,                 // the config never ends
  close_mid_config = 1U << 8,      // drops the TCP connection partway through the config
  ignore_paging_off = 1U << 9,     // accepts "terminal length 0" but keeps paging
  wrong_enable_secret = 1U << 10,  // IOS: "enable" always fails
  huge_banner = 1U << 11,          // ~256 KB login banner full of '#' lines before the first prompt
  unexpected_prompt = 1U << 12,    // a console-server menu instead of the platform's prompt
  drop_typeahead = 1U << 13,       // input typed while a command runs is thrown away
};

inline constexpr std::uint32_t fault_bit(Fault f) {
  return static_cast<std::uint32_t>(f);
}

// Every fault, in documentation order.
const std::vector<Fault>& all_faults();
std::string_view fault_name(Fault f);
std::optional<Fault> parse_fault(std::string_view name);
// Names of the faults in a mask, in documentation order.
std::vector<std::string> fault_names(std::uint32_t mask);

// "refuse=0.01,no_banner=0.005" -> shares per fault. Throws std::invalid_argument with a
// message naming the bad part when a name is unknown, a share is not in [0,1], or the sum > 1.
struct FaultMix {
  std::vector<std::pair<Fault, double>> shares;
  // The fault (as a mask, 0 = none) device `id` gets under this mix with `seed`.
  std::uint32_t pick(std::uint64_t seed, std::int64_t id) const;
};
FaultMix parse_fault_mix(std::string_view text);

enum class Platform {
  cisco_ios,
  cisco_nxos,
  arista_eos,
  juniper_junos,
  cisco_asa,
  cisco_iosxr,
  paloalto_panos,
  huawei_vrp,
  linux_frr,
  mikrotik_routeros,
  aruba_aoscx,
  fortinet_fortios,
  generic
};
// Every simulated platform, in the order of the enum.
inline constexpr Platform k_all_platforms[] = {
    Platform::cisco_ios, Platform::cisco_nxos,        Platform::arista_eos,     Platform::juniper_junos,
    Platform::cisco_asa, Platform::cisco_iosxr,       Platform::paloalto_panos, Platform::huawei_vrp,
    Platform::linux_frr, Platform::mikrotik_routeros, Platform::aruba_aoscx,    Platform::fortinet_fortios,
    Platform::generic};

// NetBox platform slug -> simulated platform; anything unknown (cisco-wlc, opengear, "") is
// `generic`, a Linux-like shell.
Platform platform_from_slug(std::string_view slug);
std::string_view platform_slug(Platform p);

}  // namespace nbsync::lab
