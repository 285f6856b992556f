#pragma once
// The profiles built into nbsync, for the fuzz targets that run device text through one:
// loaded once, in name order, so the same input byte always picks the same profile.
#include <memory>
#include <vector>

#include "backup/platform_profile.hpp"

namespace nbsync::fuzz {

// The shipped profile `selector` picks (modulo their count).
inline const std::shared_ptr<const nbsync::backup::PlatformProfile>& shipped_profile(unsigned selector) {
  static const auto list = [] {
    const auto registry = nbsync::backup::ProfileRegistry::shipped();
    std::vector<std::shared_ptr<const nbsync::backup::PlatformProfile>> out;
    for (const auto& name : registry.names()) {
      out.push_back(registry.find(name));
    }
    return out;
  }();
  return list[selector % list.size()];
}

}  // namespace nbsync::fuzz
