#include "config/collector_config.hpp"

#include "config/config.hpp"
#include "config/detail/collector_config_reader.hpp"

namespace nbsync {
namespace {

void add_filter(std::string& text, const std::string& key, const std::vector<std::string>& values) {
  if (values.empty()) {
    return;
  }
  text.append(text.empty() ? "" : " ").append(key).append("=");
  for (std::size_t i = 0; i < values.size(); ++i) {
    text.append(i == 0 ? "" : ",").append(values[i]);
  }
}

// Names that read well in a log line, a Slack message and a URL: letters, digits, . _ -
bool plain_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
             std::string::npos;
}

}  // namespace

std::string zone_of(const DeviceFilters& filters) {
  std::string text;
  add_filter(text, "region", filters.region);
  add_filter(text, "site", filters.site);
  add_filter(text, "role", filters.role);
  add_filter(text, "tag", filters.tag);
  add_filter(text, "platform", filters.platform);
  add_filter(text, "tenant", filters.tenant);
  if (filters.status != std::vector<std::string>{"active"}) {
    add_filter(text, "status", filters.status);
  }
  for (const auto& [name, value] : filters.custom_fields) {
    add_filter(text, "cf_" + name, {value});
  }
  return text.empty() ? "all devices" : text;
}

namespace detail {

CollectorConfig read_collector(ConfigReader& reader, const DeviceFilters& filters) {
  CollectorConfig collector;
  const auto name = reader.string("name");
  if (!name || !plain_name(*name)) {
    reader.fail("name",
                "expected this collector's name, unique among the collectors sharing the database: up to 64 "
                "letters, digits, '.', '_' or '-' (e.g. the host name, \"dc-east-1\")");
  }
  collector.name = *name;
  collector.zone = zone_of(filters);
  if (const auto zone = reader.string("zone")) {
    if (!plain_name(*zone)) {
      reader.fail("zone",
                  "expected up to 64 letters, digits, '.', '_' or '-' (collectors with one zone name share "
                  "its devices), e.g. \"dc-east\"");
    }
    collector.zone = *zone;
  }
  if (const auto lease = reader.duration("lease")) {
    if (*lease < std::chrono::seconds(2) || *lease > std::chrono::hours(1)) {
      reader.fail("lease", "expected between 2s and 1h (how long a silent collector keeps its devices)");
    }
    collector.lease = std::chrono::duration_cast<std::chrono::seconds>(*lease);
  }
  reader.finish();
  return collector;
}

}  // namespace detail
}  // namespace nbsync
