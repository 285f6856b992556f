#include "lab/devices/faults.hpp"

#include <stdexcept>

#include "lab/devices/detail/random.hpp"

namespace nbsync::lab {
namespace {

struct FaultInfo {
  Fault fault;
  std::string_view name;
};

constexpr FaultInfo k_faults[] = {
    {Fault::refuse, "refuse"},
    {Fault::no_banner, "no_banner"},
    {Fault::wrong_password, "wrong_password"},
    {Fault::host_key_rotated, "host_key_rotated"},
    {Fault::hang_after_login, "hang_after_login"},
    {Fault::hang_mid_config, "hang_mid_config"},
    {Fault::trickle, "trickle"},
    {Fault::flood, "flood"},
    {Fault::close_mid_config, "close_mid_config"},
    {Fault::ignore_paging_off, "ignore_paging_off"},
    {Fault::wrong_enable_secret, "wrong_enable_secret"},
    {Fault::huge_banner, "huge_banner"},
    {Fault::unexpected_prompt, "unexpected_prompt"},
    {Fault::drop_typeahead, "drop_typeahead"},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

const std::vector<Fault>& all_faults() {
  static const std::vector<Fault> faults = [] {
    std::vector<Fault> v;
    for (const auto& f : k_faults) {
      v.push_back(f.fault);
    }
    return v;
  }();
  return faults;
}

std::string_view fault_name(Fault f) {
  for (const auto& info : k_faults) {
    if (info.fault == f) {
      return info.name;
    }
  }
  return "unknown";
}

std::optional<Fault> parse_fault(std::string_view name) {
  for (const auto& info : k_faults) {
    if (info.name == name) {
      return info.fault;
    }
  }
  return std::nullopt;
}

std::vector<std::string> fault_names(std::uint32_t mask) {
  std::vector<std::string> names;
  for (const auto& info : k_faults) {
    if ((mask & fault_bit(info.fault)) != 0) {
      names.emplace_back(info.name);
    }
  }
  return names;
}

FaultMix parse_fault_mix(std::string_view text) {
  FaultMix mix;
  double total = 0;
  text = trim(text);
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto part = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (part.empty()) {
      continue;
    }
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      throw std::invalid_argument("fault mix part '" + std::string(part) + "' must be NAME=SHARE, e.g. refuse=0.01");
    }
    const auto name = trim(part.substr(0, eq));
    const auto value = std::string(trim(part.substr(eq + 1)));
    const auto fault = parse_fault(name);
    if (!fault) {
      std::string known;
      for (const auto& info : k_faults) {
        if (!known.empty()) {
          known += ", ";
        }
        known += info.name;
      }
      throw std::invalid_argument("unknown fault '" + std::string(name) + "' in fault mix; known faults: " + known);
    }
    double share = -1;
    try {
      std::size_t used = 0;
      share = std::stod(value, &used);
      if (used != value.size()) {
        share = -1;
      }
    } catch (const std::exception&) {
      share = -1;
    }
    if (!(share >= 0.0 && share <= 1.0)) {
      throw std::invalid_argument("fault mix share for '" + std::string(name) + "' must be a number in [0,1], not '" +
                                  value + "'");
    }
    total += share;
    mix.shares.emplace_back(*fault, share);
  }
  if (total > 1.0 + 1e-9) {
    throw std::invalid_argument("fault mix shares add up to " + std::to_string(total) + ", more than 1");
  }
  return mix;
}

std::uint32_t FaultMix::pick(std::uint64_t seed, std::int64_t id) const {
  const double u = detail::unit(detail::mix({seed, static_cast<std::uint64_t>(id), 0xfa017ULL}));
  double cumulative = 0;
  for (const auto& [fault, share] : shares) {
    cumulative += share;
    if (u < cumulative) {
      return fault_bit(fault);
    }
  }
  return 0;
}

Platform platform_from_slug(std::string_view slug) {
  if (slug == "cisco-ios" || slug == "cisco-ios-xe" || slug == "ios") {
    return Platform::cisco_ios;
  }
  if (slug == "cisco-nxos" || slug == "nxos") {
    return Platform::cisco_nxos;
  }
  if (slug == "arista-eos" || slug == "eos") {
    return Platform::arista_eos;
  }
  if (slug == "juniper-junos" || slug == "junos") {
    return Platform::juniper_junos;
  }
  if (slug == "cisco-asa" || slug == "asa") {
    return Platform::cisco_asa;
  }
  if (slug == "cisco-iosxr" || slug == "iosxr") {
    return Platform::cisco_iosxr;
  }
  if (slug == "paloalto-panos" || slug == "panos") {
    return Platform::paloalto_panos;
  }
  if (slug == "huawei-vrp" || slug == "huawei" || slug == "vrp") {
    return Platform::huawei_vrp;
  }
  if (slug == "linux") {
    return Platform::linux_frr;
  }
  if (slug == "mikrotik-routeros" || slug == "routeros") {
    return Platform::mikrotik_routeros;
  }
  if (slug == "aruba-aoscx" || slug == "aoscx") {
    return Platform::aruba_aoscx;
  }
  if (slug == "fortinet-fortios" || slug == "fortios") {
    return Platform::fortinet_fortios;
  }
  return Platform::generic;
}

std::string_view platform_slug(Platform p) {
  switch (p) {
    case Platform::cisco_ios:
      return "cisco-ios";
    case Platform::cisco_nxos:
      return "cisco-nxos";
    case Platform::arista_eos:
      return "arista-eos";
    case Platform::juniper_junos:
      return "juniper-junos";
    case Platform::cisco_asa:
      return "cisco-asa";
    case Platform::cisco_iosxr:
      return "cisco-iosxr";
    case Platform::paloalto_panos:
      return "paloalto-panos";
    case Platform::huawei_vrp:
      return "huawei-vrp";
    case Platform::linux_frr:
      return "linux";
    case Platform::mikrotik_routeros:
      return "mikrotik-routeros";
    case Platform::aruba_aoscx:
      return "aruba-aoscx";
    case Platform::fortinet_fortios:
      return "fortinet-fortios";
    case Platform::generic:
      break;
  }
  return "generic";
}

}  // namespace nbsync::lab
