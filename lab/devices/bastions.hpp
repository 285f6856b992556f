#pragma once
// The lab's seeded bastion plan: which sites sit behind an SSH jump host, and which jump
// host sits behind another. Deterministic from (seed, sites, share): the same seed always
// hides the same sites. One site always sits behind two bastions in a chain (the inner one
// is reachable only through the outer one); at least one site stays reachable directly.
// README.md in this folder ("Bastions") says how clients find the plan (GET /lab/bastions,
// the NetBox custom field nbsync_jump_host).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nbsync::lab {

// The NetBox device custom field that names the bastion a device needs (text; null when
// the device is reachable directly). The chain comes from that bastion's own entry.
inline constexpr const char* k_jump_host_field = "nbsync_jump_host";

struct BastionSpec {
  std::string name;                // "jump-1"
  std::uint32_t ipv4 = 0;          // its own loopback address (host byte order)
  int behind = -1;                 // index of the bastion it is reachable through; -1: directly
  std::vector<std::string> sites;  // slugs of the sites whose devices it fronts
};

struct BastionPlan {
  std::vector<BastionSpec> bastions;
  std::vector<int> site_bastion;  // per site index: the (innermost) bastion its devices need, or -1

  bool empty() const { return bastions.empty(); }
  // The only source address a device at `site` accepts connections from (0: any).
  std::uint32_t only_from(int site) const;
  // The address bastion `index` accepts connections from (0: any).
  std::uint32_t bastion_only_from(int index) const;
  // Names from the outermost bastion to `index` itself: what `ssh -J` takes, in order.
  std::vector<std::string> chain(int index) const;
  // Per site index: the name the NetBox field carries for its devices ("" = none).
  std::vector<std::string> jump_host_per_site() const;
};

// `site_share` in [0, 1]: share of the sites behind a bastion (0 = no bastions). With any
// share > 0 at least two sites (the chained one and one behind a single bastion) and at
// most all but one site. Throws std::invalid_argument for a share outside [0, 1].
BastionPlan plan_bastions(std::uint64_t seed, const std::vector<std::string>& site_slugs, double site_share);

// The custom field definition (POST /api/extras/custom-fields/ body) for k_jump_host_field.
nlohmann::json jump_host_field_definition();

// 127.253.0.<index + 1>: outside the fleet's 127.1.x.y range and the tests' 127.77.x.y.
std::uint32_t bastion_address(int index);

}  // namespace nbsync::lab
