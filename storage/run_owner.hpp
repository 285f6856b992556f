#pragma once
// Who a run belongs to: without collectors, nobody in particular (all empty); with them
// (storage/collector_store.hpp), the collector, its zone and the zone's cycle it works in.
// A zone run reports nothing alone: the collector that closes the zone's cycle sends one
// summary of all its runs, and it retires only devices of its own zone.
#include <cstdint>
#include <optional>
#include <string>

namespace nbsync::storage {

struct RunOwner {
  std::string collector;
  std::string zone;
  std::optional<std::int64_t> zone_cycle;
};

}  // namespace nbsync::storage
