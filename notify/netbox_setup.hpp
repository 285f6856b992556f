#pragma once
// `nbsync netbox-setup`: creates, once, the custom fields nbsync writes on dcim.device (in
// the group "nbsync", not editable in the UI) and the "Config history" custom link; with a
// webhook URL also "back up now": the boolean field nbsync_backup_now (editable), a webhook
// signed with the shared secret, and an event rule that sends it only when a device carries
// the trigger (the backup-now tag or nbsync_backup_now true), so nbsync's own writes after
// it cleared the trigger send nothing.
// Running it again changes nothing. A NetBox that refuses gets one line saying what to do.
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "inventory/netbox_endpoint.hpp"
#include "types/secret.hpp"

namespace nbsync::notify {

class SetupError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct NetboxSetupOptions {
  inventory::NetboxEndpoint netbox;
  std::string history_url;  // Jinja2 URL template of the custom link; empty: no link
  std::string webhook_url;  // where NetBox reaches nbsync's /netbox/webhook; empty: no back up now
  Secret webhook_secret;    // the webhook's shared secret (X-Hook-Signature)
};

struct SetupReport {
  std::string netbox_version;
  std::vector<std::string> created;
  std::vector<std::string> existing;
};

SetupReport netbox_setup(const NetboxSetupOptions& options);

}  // namespace nbsync::notify
