#pragma once
// A device's config context as NetBox computes it: the config contexts that apply to it
// (global, its region and the regions above, its site, its role, its platform), deep-merged
// in order of weight, each time a device is rendered with it. The lab's contexts are what
// a real deployment keeps there (NTP, DNS, syslog, AAA, SNMP, management ACLs, the site's
// VLANs, role and platform settings), about 4.6 KB of JSON per device, so that what asking
// for it costs (NetBox's time and the bytes on the wire) shows in a measurement: NetBox
// computes it unless ?exclude=config_context, even when ?fields= or ?omit= leave it out.
#include <nlohmann/json.hpp>

#include "lab/fleet.hpp"

namespace nbsync::lab {

nlohmann::json config_context(const Fleet& fleet, const LabDevice& device);

}  // namespace nbsync::lab
