#pragma once
// Drift between the config NetBox renders for a device (its config template) and the one
// the device runs, both already normalized and masked with the device's profile. Lines are
// compared by where they sit: each line is keyed by the headers of the sections above it
// (indentation; a brace-style "}" closes its section), so a line under the wrong interface
// is one line missing and one extra. Order is ignored at every level (a template listing
// interfaces or a section's lines in another order is not drift; a reordered ACL is not
// caught either). Duplicates count: a line twice in one and once in the other differs once.
#include <string>
#include <string_view>
#include <vector>

namespace nbsync::compliance {

struct DriftLine {
  std::string section;  // the headers above the line, outermost first, joined by " > "; empty at the top
  std::string line;     // the line without its indentation
};

struct ConfigDrift {
  std::vector<DriftLine> missing;  // in the intended config, not on the device
  std::vector<DriftLine> extra;    // on the device, not in the intended config
  std::size_t differing() const { return missing.size() + extra.size(); }
};

ConfigDrift compare_to_intended(std::string_view intended, std::string_view running);

}  // namespace nbsync::compliance
