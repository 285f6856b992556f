#include "commands/netbox_setup_command.hpp"

#include <iostream>

#include "notify/netbox_setup.hpp"
#include "types/user_error.hpp"

namespace nbsync::commands {

int run_netbox_setup(const Config& config) {
  notify::NetboxSetupOptions setup;
  setup.netbox = netbox_endpoint(config);
  setup.history_url = config.netbox.history_url;
  setup.webhook_url = config.webhook.url;
  setup.webhook_secret = config.webhook.secret;
  try {
    const auto report = notify::netbox_setup(setup);
    for (const auto& name : report.created) {
      std::cout << "created " << name << "\n";
    }
    for (const auto& name : report.existing) {
      std::cout << "exists  " << name << "\n";
    }
    if (config.netbox.history_url.empty()) {
      std::cout << "no Config history link: set netbox.history_url to create one\n";
    }
    if (config.webhook.url.empty()) {
      std::cout << "no back up now webhook: set webhook.url (and webhook.secret) to create it\n";
    }
    std::cout << "NetBox " << report.netbox_version << " is ready for nbsync\n";
    return k_exit_ok;
  } catch (const notify::SetupError& e) {
    std::cerr << "nbsync: error: netbox-setup: " << e.what() << "\n";
    return k_exit_failed;
  }
}

}  // namespace nbsync::commands
