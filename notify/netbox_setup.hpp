#pragma once
// `nbsync netbox-setup`: creates, once, the custom fields nbsync writes on dcim.device (in
// the group "nbsync", not editable in the UI) and the "Config history" custom link.
// Running it again changes nothing. A NetBox that refuses gets one line saying what to do.
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "inventory/netbox_endpoint.hpp"

namespace nbsync::notify {

class SetupError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct NetboxSetupOptions {
  inventory::NetboxEndpoint netbox;
  std::string history_url;  // Jinja2 URL template of the custom link; empty: no link
};

struct SetupReport {
  std::string netbox_version;
  std::vector<std::string> created;
  std::vector<std::string> existing;
};

SetupReport netbox_setup(const NetboxSetupOptions& options);

}  // namespace nbsync::notify
