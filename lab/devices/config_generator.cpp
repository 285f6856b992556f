#include "lab/devices/config_generator.hpp"

#include "lab/devices/detail/random.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab {

std::size_t target_config_size(std::uint64_t seed, std::int64_t id) {
  detail::Rng rng(detail::mix({seed, static_cast<std::uint64_t>(id), 0x517eULL}));
  const double u = rng.uniform();
  if (u < 0.05) {
    return static_cast<std::size_t>(rng.range(3000, 10000));
  }
  if (u < 0.90) {
    return static_cast<std::size_t>(rng.range(20000, 60000));
  }
  return static_cast<std::size_t>(rng.range(100000, 400000));
}

GeneratedConfig generate_config(const ConfigRequest& request) {
  return platform_sim(request.platform).config(request, config_parts::make_facts(request));
}

std::string show_config_command(Platform platform) {
  return platform_sim(platform).config_command();
}

}  // namespace nbsync::lab
