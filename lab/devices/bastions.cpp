#include "lab/devices/bastions.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "lab/devices/detail/random.hpp"

namespace nbsync::lab {
namespace {

constexpr std::size_t k_sites_per_outer_bastion = 6;

}  // namespace

std::uint32_t bastion_address(int index) {
  return (127U << 24) | (253U << 16) | static_cast<std::uint32_t>(index + 1);
}

std::uint32_t BastionPlan::only_from(int site) const {
  if (site < 0 || static_cast<std::size_t>(site) >= site_bastion.size() ||
      site_bastion[static_cast<std::size_t>(site)] < 0) {
    return 0;
  }
  return bastions[static_cast<std::size_t>(site_bastion[static_cast<std::size_t>(site)])].ipv4;
}

std::uint32_t BastionPlan::bastion_only_from(int index) const {
  const int behind = bastions.at(static_cast<std::size_t>(index)).behind;
  return behind < 0 ? 0 : bastions.at(static_cast<std::size_t>(behind)).ipv4;
}

std::vector<std::string> BastionPlan::chain(int index) const {
  std::vector<std::string> names;
  for (int i = index; i >= 0 && names.size() <= bastions.size(); i = bastions.at(static_cast<std::size_t>(i)).behind) {
    names.insert(names.begin(), bastions.at(static_cast<std::size_t>(i)).name);
  }
  return names;
}

std::vector<std::string> BastionPlan::jump_host_per_site() const {
  std::vector<std::string> names;
  for (const int b : site_bastion) {
    names.push_back(b < 0 ? std::string() : bastions[static_cast<std::size_t>(b)].name);
  }
  return names;
}

BastionPlan plan_bastions(std::uint64_t seed, const std::vector<std::string>& site_slugs, double site_share) {
  if (!(site_share >= 0.0 && site_share <= 1.0)) {
    throw std::invalid_argument("--bastion-sites must be a share of the sites in [0, 1]");
  }
  BastionPlan plan;
  plan.site_bastion.assign(site_slugs.size(), -1);
  if (site_share == 0.0 || site_slugs.size() < 2) {
    return plan;
  }
  const std::size_t count = site_slugs.size();
  const auto wanted = static_cast<std::size_t>(std::llround(static_cast<double>(count) * site_share));
  const std::size_t hidden = std::min(std::max<std::size_t>(wanted, 2), count - 1);
  // Sites in an order drawn from (seed, site): the first `hidden` sit behind bastions.
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  const auto rank = [seed](std::size_t site) { return detail::mix({seed, site, 0xba5710ULL}); };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });

  // Outer bastions (reachable directly) share the single-hop sites; the last bastion sits
  // behind the first and fronts the chained site, order[0].
  const std::size_t single = hidden - 1;
  const std::size_t outer =
      std::max<std::size_t>(1, (single + k_sites_per_outer_bastion - 1) / k_sites_per_outer_bastion);
  for (std::size_t i = 0; i <= outer; ++i) {
    BastionSpec b;
    b.name = "jump-" + std::to_string(i + 1);
    b.ipv4 = bastion_address(static_cast<int>(i));
    b.behind = i == outer ? 0 : -1;
    plan.bastions.push_back(std::move(b));
  }
  const auto assign = [&](std::size_t site, std::size_t bastion) {
    plan.site_bastion[site] = static_cast<int>(bastion);
    plan.bastions[bastion].sites.push_back(site_slugs[site]);
  };
  assign(order[0], outer);
  for (std::size_t i = 0; i < single; ++i) {
    assign(order[1 + i], i % outer);
  }
  for (auto& b : plan.bastions) {
    std::sort(b.sites.begin(), b.sites.end());
  }
  return plan;
}

nlohmann::json jump_host_field_definition() {
  return {{"object_types", {"dcim.device"}},
          {"name", k_jump_host_field},
          {"label", "Jump host"},
          {"type", "text"},
          {"group_name", "nbsync"},
          {"description", "SSH bastion that reaches this device (its own entry names any bastion in front of it)"},
          {"required", false},
          {"filter_logic", "exact"},
          {"ui_visible", "if-set"},
          {"ui_editable", "yes"},
          {"weight", 100}};
}

}  // namespace nbsync::lab
