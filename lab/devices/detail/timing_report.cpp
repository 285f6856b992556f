#include "lab/devices/detail/timing_report.hpp"

#include <string>

namespace nbsync::lab::detail {
namespace {

nlohmann::json empty_totals() {
  return {{"sessions", 0}, {"waited_ms", 0.0}, {"slowest_ms", 0.0}, {"slowest_device", nullptr}};
}

void add_totals(nlohmann::json& into, const nlohmann::json& more) {
  into["sessions"] = into["sessions"].get<std::uint64_t>() + more["sessions"].get<std::uint64_t>();
  into["waited_ms"] = into["waited_ms"].get<double>() + more["waited_ms"].get<double>();
  if (more["slowest_ms"].get<double>() > into["slowest_ms"].get<double>()) {
    into["slowest_ms"] = more["slowest_ms"];
    into["slowest_device"] = more["slowest_device"];
  }
}

}  // namespace

void TimingReport::add(Platform platform, std::int64_t device, double waited_ms) {
  Totals& t = m_platforms[platform];
  ++t.sessions;
  t.waited_ms += waited_ms;
  if (waited_ms > t.slowest_ms) {
    t.slowest_ms = waited_ms;
    t.slowest_device = device;
  }
}

nlohmann::json TimingReport::to_json() const {
  nlohmann::json total = empty_totals();
  total["platforms"] = nlohmann::json::object();
  for (const auto& [platform, t] : m_platforms) {
    const nlohmann::json one = {{"sessions", t.sessions},
                                {"waited_ms", t.waited_ms},
                                {"slowest_ms", t.slowest_ms},
                                {"slowest_device", t.slowest_device}};
    total["platforms"][std::string(platform_slug(platform))] = one;
    add_totals(total, one);
  }
  return total;
}

void TimingReport::merge(nlohmann::json& total, const nlohmann::json& worker) {
  if (total.is_null()) {
    total = empty_totals();
    total["platforms"] = nlohmann::json::object();
  }
  add_totals(total, worker);
  for (const auto& [slug, one] : worker["platforms"].items()) {
    auto& into = total["platforms"][slug];
    if (into.is_null()) {
      into = empty_totals();
    }
    add_totals(into, one);
  }
}

}  // namespace nbsync::lab::detail
