#pragma once
// Reads the [web] table (config/web_config.hpp) for load_config().
#include "config/detail/config_reader.hpp"
#include "config/web_config.hpp"

namespace nbsync::detail {

WebConfig read_web(ConfigReader& reader);

}  // namespace nbsync::detail
