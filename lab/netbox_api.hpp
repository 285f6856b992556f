#pragma once
// The lab's NetBox: a REST API that behaves like NetBox 4.2 for everything nbsync uses
// (auth, paged device list with filters, device PATCH and bulk PATCH, custom fields,
// journal entries, custom links, platforms, sites and regions, status, webhooks and event
// rules that fire on device changes made through the API), plus /lab/ control endpoints for
// tests: add/remove/change devices, inject API faults, read request counters.
// With a state directory, everything written through the API survives a restart.
// Thread-safe: one mutex guards the fleet and the NetBox objects.
#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "lab/api_faults.hpp"
#include "lab/event_rules.hpp"
#include "lab/fleet.hpp"
#include "lab/netbox_json.hpp"
#include "lab/netbox_release.hpp"
#include "lab/netbox_tokens.hpp"
#include "lab/request_counters.hpp"
#include "lab/webhook_sender.hpp"

namespace nbsync::lab {

struct NetboxApiOptions {
  std::string token;                // the superuser's API token (lab/netbox_tokens.hpp adds read-only users)
  std::filesystem::path state_dir;  // empty: nothing is kept across restarts
  // The NetBox release the API behaves as (--netbox-version): "4.2", "3.7" or "4.7";
  // lab/netbox_release.hpp lists what differs.
  std::string version = "4.2";
};

// The --netbox-version values the lab emulates.
const std::vector<std::string>& emulated_netbox_versions();

class NetboxApi {
public:
  NetboxApi(Fleet& fleet, NetboxApiOptions options);
  NetboxApi(const NetboxApi&) = delete;
  NetboxApi& operator=(const NetboxApi&) = delete;

  void register_routes(httplib::Server& server);
  // Writes the state file when something changed since the last flush (atomic rename).
  void flush();
  // A device custom field whose value follows the device's site (the bastion a site sits
  // behind): defines it unless a field of that name exists, sets it on every device at a
  // site with a value (null elsewhere), and again when /lab/devices adds or moves a device.
  void set_site_custom_field(nlohmann::json definition, std::vector<std::string> value_per_site);

  // Told when the inventory changes through /lab/devices, so the SSH side follows it.
  // on_device_changed (new or changed device) returns "" or why the device cannot be
  // served (the change is then refused with 400).
  std::function<std::string(const LabDevice&)> on_device_changed;
  std::function<void(std::int64_t id)> on_device_removed;
  // The SSH side's counters, shown under "ssh" by GET /lab/counters and reset by DELETE.
  std::function<nlohmann::json(bool by_device)> ssh_counters;
  std::function<void()> reset_ssh_counters;
  // The intended config render-config answers for a device with a template (the SSH side's
  // running config with the seeded differences of lab/devices/intended_config.hpp), and
  // what a comparison must find: {"content", "missing", "extra"}.
  // `drifts`: the test's choice (POST /lab/devices/{id}/drift), none: the seeded one.
  std::function<nlohmann::json(const LabDevice&, std::optional<bool> drifts)> intended_config;

private:
  using json = nlohmann::json;
  struct Reply {
    Reply() = default;
    Reply(int status_, json body_) : status(status_), body(std::move(body_)) {}
    int status = 200;
    json body;
    std::vector<std::pair<std::string, std::string>> headers;
  };

  // Routes (called with m_mutex held).
  Reply list_devices(const httplib::Request& request, const std::string& base);
  // The answer shows the devices as `shown` says (exclude=config_context spares the context);
  // `if_match`: the request's If-Match header (4.6: a stale ETag is 412).
  Reply patch_device(std::int64_t id, const json& body, const std::string& base, const DeviceRenderOptions& shown,
                     const std::string& if_match);
  Reply bulk_patch_devices(const json& body, const std::string& base, const DeviceRenderOptions& shown);
  Reply list_custom_fields(const httplib::Request& request, const std::string& base);
  Reply create_custom_field(const json& body, const std::string& base);
  Reply list_custom_links(const httplib::Request& request, const std::string& base);
  Reply create_custom_link(const json& body, const std::string& base);
  Reply list_journal(const httplib::Request& request, const std::string& base);
  Reply create_journal(const json& body, const std::string& base);
  Reply list_platforms(const httplib::Request& request, const std::string& base);
  Reply list_roles(const httplib::Request& request, const std::string& base);
  Reply list_sites(const httplib::Request& request, const std::string& base);
  Reply list_regions(const httplib::Request& request, const std::string& base);
  Reply lab_add_device(const json& body, const std::string& base);
  Reply lab_change_device(std::int64_t id, const json& body, const std::string& base);
  // POST /api/dcim/devices/{id}/render-config/ and GET /lab/devices/{id}/drift (netbox_render.cpp).
  // `device` is null when it does not exist or the token may not see it.
  Reply render_config(const LabDevice* device, const std::string& base);
  Reply lab_device_drift(std::int64_t id);
  Reply lab_set_device_drift(std::int64_t id, const json& body);
  std::map<std::int64_t, bool> m_drift_choices;  // /lab/devices/{id}/drift: drifts or not

  // Validates a device PATCH item; returns NetBox's error dict, empty when valid.
  json validate_device_patch(const LabDevice& device, const json& patch) const;
  // The fleet's tag a PATCH item names ({"name"}, {"slug"}, {"id"} or an id), or NetBox's complaint.
  std::variant<int, std::string> resolve_tag(const json& item) const;
  // The device as webhooks carry it, and the webhooks NetBox would send for its update.
  json event_view(const LabDevice& device, const std::string& base) const;
  void fire_device_updated(const json& before, const LabDevice& device, const std::string& base,
                           const std::string& request_id);
  void apply_device_patch(LabDevice& device, const json& patch);
  std::vector<json> device_fields() const;
  json render_device(const LabDevice& device, const std::string& base) const;
  // How this release renders devices for `request`: brief, exclude=, fields= (4.0), omit= (4.5).
  DeviceRenderOptions render_options(const httplib::Request* request) const;
  void touch(std::int64_t id);
  void apply_site_fields(LabDevice& device) const;

  void load_state();
  json state_json() const;

  void handle(const httplib::Request& request, httplib::Response& response,
              const std::function<Reply(const std::string& base)>& route);

  // A custom field's or link's JSON as this NetBox version shows it.
  json versioned(json object) const;
  // A create request as this version takes it: 3.7's body in 4.x terms, its 400 back in 3.7's.
  Reply create_versioned(const json& body, const std::function<Reply(const json&)>& create);
  Reply create_event_rule_versioned(const json& body, const std::string& base);

  Fleet& m_fleet;
  NetboxApiOptions m_options;
  NetboxRelease m_release;
  std::mutex m_mutex;
  std::vector<json> m_custom_fields;  // definitions as created, plus id/created/last_updated
  std::vector<json> m_custom_links;
  std::vector<json> m_journal;  // oldest first
  std::int64_t m_next_custom_field_id = 1;
  std::int64_t m_next_custom_link_id = 1;
  std::int64_t m_next_journal_id = 1;
  std::set<std::int64_t> m_touched;  // devices that differ from the generated fleet
  std::set<std::int64_t> m_removed;
  std::vector<std::pair<std::string, std::vector<std::string>>> m_site_fields;  // name, value per site
  std::int64_t m_generated_count;
  bool m_dirty = false;
  std::mutex m_flush_mutex;

  // Config contexts the device list computed (its costliest part), for GET /lab/counters.
  std::atomic<long> m_listed_config_contexts{0};
  LabTokens m_tokens;
  ApiFaultQueue m_faults;
  RequestCounters m_counters;
  EventRules m_event_rules;  // not kept in the state directory
  WebhookSender m_webhooks;  // last: its thread stops before the rest goes
};

}  // namespace nbsync::lab
