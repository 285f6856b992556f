#pragma once
// What NetBox's render-config answers for a lab device with a config template: the
// device's running config (volatile lines left out) as the template would render it. Each
// templated device is, from (seed, id), either in sync (only orderings the platform does
// not care about differ: two sibling sections swapped, two lines inside a section swapped)
// or drifted: on top of those, two lines the device lacks, two lines only the device has,
// and one line under the wrong section (an interface's line rendered under another
// interface). `missing` and `extra` count what a section-aware comparison must find.
#include <cstdint>
#include <string>

#include "lab/devices/config_generator.hpp"

namespace nbsync::lab {

struct IntendedConfig {
  std::string text;
  int missing = 0;  // lines the intended config has and the running one lacks
  int extra = 0;    // lines only the running config has
};

// Whether a templated device (fleet.hpp's has_config_template) drifts from its template.
bool template_drifts(std::uint64_t seed, std::int64_t id);

// `drifts`: add the differences (template_drifts' choice, or a test's).
IntendedConfig intended_config(const GeneratedConfig& running, std::uint64_t seed, std::int64_t id, bool drifts);

}  // namespace nbsync::lab
