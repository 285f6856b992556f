// A NetBox /api/dcim/devices/ page (JSON text, untrusted) read the way NetboxClient's walk
// reads it: the page checks, then device_from_netbox on every element of `results`. A
// bare object is also read as one device. Invariants: a device either parses or throws
// std::invalid_argument; a parsed device's address is a bare IP (or its name, from DNS
// fallback) and its port is never 0.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "inventory/netbox_device.hpp"

namespace {

using nbsync::inventory::DeviceParseOptions;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

void read_device(const nlohmann::json& object, const DeviceParseOptions& options) {
  nbsync::inventory::Device device;
  try {
    device = nbsync::inventory::device_from_netbox(object, options);
  } catch (const std::invalid_argument&) {
    return;  // the walk stops with this message: expected for a broken device
  }
  check(device.port != 0, "a device has port 0");
  if (device.address_from_dns) {
    check(options.dns_fallback && device.address == device.name, "a DNS address that is not the name");
  } else if (!device.address.empty()) {
    check(nbsync::inventory::address_without_mask(device.address) == device.address,
          "the address is not a bare IP address");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json body = nlohmann::json::parse(text, nullptr, false);
  if (body.is_discarded()) {
    return 0;  // the client retries a malformed body
  }
  // Both port overrides and DNS fallback on, so every branch of device_from_netbox runs.
  DeviceParseOptions options;
  options.default_port = 22;
  options.port_custom_field = "ssh_port";
  options.port_context_key = "ssh_port";
  options.dns_fallback = size % 2 == 0;
  if (body.is_object() && body.contains("results") && body["results"].is_array() && body.contains("count")) {
    if (body["count"].is_number_integer()) {
      (void)body["count"].get<std::size_t>();
    }
    for (const auto& object : body["results"]) {
      read_device(object, options);
    }
    if (body.contains("next") && body["next"].is_string()) {
      (void)body["next"].get<std::string>().find("/api/");
    }
  } else {
    read_device(body, options);
  }
  return 0;
}
