#pragma once
// The drift check, a cycle step after the run is stored: for each device backed up in the
// cycle whose newest version has no verdict yet (a new version), or whose verdict is older
// than the recheck interval (netbox.drift_recheck, 24 h), NetBox renders its intended config (render-config), which is
// normalized and masked with the device's profile and compared with the stored version
// (compliance/config_drift.hpp); the verdict is stored per version with the NetBox writes
// that tell of it. The interval is how a changed template, config context or interface
// in NetBox is noticed: NetBox has no cheap "the rendered text changed" marker (the text
// depends on the template, the device, its interfaces and context data), so each device
// is rendered again at most once per interval, spread over cycles as its verdict ages.
// NetBox renders a few at a time (daemon/drift_renders.hpp). A device renders from its own
// config template, else its role's, else its platform's, as NetBox picks it; which roles and
// platforms name one is read once per check (two short lists). Devices with none get
// "no template" without a request.
// A token that may not render gives one log line per cycle and no verdicts, never a failed
// cycle; a failed request skips that device until the next cycle. netbox.drift = false
// turns the check off (no request, no verdict; the summary says so).
#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backup/mask_key.hpp"
#include "backup/platform_profile.hpp"
#include "config/config.hpp"
#include "storage/database.hpp"

namespace nbsync::daemon {

struct DriftDevice {
  std::int64_t id = 0;
  std::string name;
  std::shared_ptr<const backup::PlatformProfile> profile;
  bool config_template = false;  // NetBox's device record names one
  std::string role;              // slugs: a template may come from either
  std::string platform;
};

// Returns what it did as the cycle summary's "drift" JSON.
// `mask_key`: the key the stored configs' secrets were tagged under (null: "<removed>").
nlohmann::json check_drift(const Config& config, storage::Database& database, std::int64_t run_id,
                           const std::vector<DriftDevice>& devices, std::shared_ptr<const backup::MaskKey> mask_key,
                           std::stop_token stop);

}  // namespace nbsync::daemon
