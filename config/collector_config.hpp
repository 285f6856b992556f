#pragma once
// [collector]: this nbsync is one of several sharing one PostgreSQL database (README,
// "Collectors"). Its zone is the devices its [netbox.filters] select; collectors with the
// same zone share its cycles, each device backed up by one of them per cycle.
#include <chrono>
#include <string>

namespace nbsync {

struct DeviceFilters;

struct CollectorConfig {
  std::string name;  // empty: not a collector (one nbsync, as before)
  std::string zone;  // defaults to zone_of(filters): collectors with the same filters share one
  // A collector that has not renewed its heartbeat for this long is taken for dead: others
  // take over the devices it claimed. Renewed every quarter of it.
  std::chrono::seconds lease{60};
};

inline bool is_collector(const CollectorConfig& collector) {
  return !collector.name.empty();
}

// The filters as one line, e.g. "site=dc1,dc2 tag=core" ("all devices" for none): the zone's
// default name, and what `nbsync status` shows of it.
std::string zone_of(const DeviceFilters& filters);

}  // namespace nbsync
