#pragma once
// Reads the [collector] table (config/collector_config.hpp) for load_config().
#include "config/collector_config.hpp"
#include "config/config.hpp"
#include "config/detail/config_reader.hpp"

namespace nbsync::detail {

CollectorConfig read_collector(ConfigReader& reader, const DeviceFilters& filters);

}  // namespace nbsync::detail
