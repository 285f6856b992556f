#pragma once
// How the history commands show a device and a stored version, in JSON and in text, so
// `history`, `show`, `diff` and `changes` name things the same way. JSON times are UTC
// ISO 8601 strings with the unix seconds next to them.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "storage/config_history.hpp"
#include "storage/device_lookup.hpp"

namespace nbsync::commands {

nlohmann::json device_json(const storage::DeviceMatch& device);
nlohmann::json version_json(const storage::ConfigVersion& version);
// "core-sw1 (id 12, site ams1)"
std::string device_label(const storage::DeviceMatch& device);
// The first 12 hex digits, as the text tables show a hash.
std::string short_hash(const std::string& sha256);
// "+12" / "-3": `sign` then the count, as diff stat columns show line counts.
std::string signed_count(char sign, std::int64_t count);

}  // namespace nbsync::commands
