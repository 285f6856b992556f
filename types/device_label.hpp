#pragma once
// What nbsync calls a device in every message, table and Slack line: the name NetBox
// shows, or "device <id>" for a device NetBox has no name for (NetBox allows that).
// Header-only.
#include <cstdint>
#include <string>

namespace nbsync {

inline std::string device_label(const std::string& name, std::int64_t id) {
  return name.empty() ? "device " + std::to_string(id) : name;
}

}  // namespace nbsync
