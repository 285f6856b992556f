#include "inventory/netbox_device.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace nbsync::inventory {
namespace {

using json = nlohmann::json;

std::string slug_of(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_object()) {
    return "";
  }
  const auto slug = it->find("slug");
  return slug != it->end() && slug->is_string() ? slug->get<std::string>() : "";
}

std::string address_of(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_object()) {
    return "";
  }
  const auto address = it->find("address");
  if (address == it->end() || !address->is_string()) {
    return "";
  }
  return address_without_mask(address->get<std::string>()).value_or("");
}

// A port from a custom field or config-context value: an integer or a numeric string.
std::optional<std::uint16_t> port_of(const json& value) {
  long port = -1;
  if (value.is_number_integer()) {
    port = value.get<long>();
  } else if (value.is_string()) {
    try {
      std::size_t used = 0;
      port = std::stol(value.get<std::string>(), &used);
      if (used != value.get<std::string>().size()) {
        port = -1;
      }
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (port < 1 || port > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(port);
}

// A custom field's value: NetBox 4.7 shows a selection field's as {"value", "label"},
// earlier releases as the bare value.
const json& custom_field_value(const json& value) {
  if (value.is_object() && value.contains("value") && value.contains("label")) {
    return value["value"];
  }
  return value;
}

}  // namespace

Device device_from_netbox(const json& object, const DeviceParseOptions& options) {
  if (!object.is_object() || !object.contains("id") || !object["id"].is_number_integer()) {
    throw std::invalid_argument("a device object without an integer \"id\"");
  }
  Device device;
  device.id = object["id"].get<std::int64_t>();
  if (object.contains("name") && object["name"].is_string()) {
    device.name = object["name"].get<std::string>();
  }
  device.site = slug_of(object, "site");
  device.role = slug_of(object, "role");
  device.platform = slug_of(object, "platform");
  device.tenant = slug_of(object, "tenant");
  if (const auto status = object.find("status"); status != object.end()) {
    device.status =
        status->is_object() ? status->value("value", "") : (status->is_string() ? status->get<std::string>() : "");
  }
  if (const auto tags = object.find("tags"); tags != object.end() && tags->is_array()) {
    for (const auto& tag : *tags) {
      if (tag.is_object() && tag.contains("slug") && tag["slug"].is_string()) {
        device.tags.push_back(tag["slug"].get<std::string>());
      }
    }
  }
  device.address = address_of(object, "primary_ip4");
  if (device.address.empty()) {
    device.address = address_of(object, "primary_ip6");
  }
  if (device.address.empty() && options.dns_fallback && !device.name.empty()) {
    device.address = device.name;
    device.address_from_dns = true;
  }
  if (const auto config_template = object.find("config_template"); config_template != object.end()) {
    device.config_template = config_template->is_object();
  }
  device.port = options.default_port;
  if (!options.port_context_key.empty()) {
    const auto context = object.find("config_context");
    if (context != object.end() && context->is_object() && context->contains(options.port_context_key)) {
      device.port = port_of((*context)[options.port_context_key]).value_or(device.port);
    }
  }
  if (const auto fields = object.find("custom_fields"); fields != object.end() && fields->is_object()) {
    nlohmann::json own = nlohmann::json::object();
    for (const auto& [name, value] : fields->items()) {
      if (name.starts_with("nbsync_")) {
        own[name] = value;
      }
    }
    if (const auto jump_host = fields->find("nbsync_jump_host"); jump_host != fields->end()) {
      if (const json& value = custom_field_value(*jump_host); value.is_string()) {
        device.jump_host = value.get<std::string>();
      }
    }
    if (!own.empty()) {
      device.nbsync_fields = own.dump();
    }
  }
  if (!options.port_custom_field.empty()) {
    const auto fields = object.find("custom_fields");
    if (fields != object.end() && fields->is_object() && fields->contains(options.port_custom_field)) {
      device.port = port_of(custom_field_value((*fields)[options.port_custom_field])).value_or(device.port);
    }
  }
  return device;
}

}  // namespace nbsync::inventory
