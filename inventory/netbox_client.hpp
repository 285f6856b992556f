#pragma once
// Reads the device inventory from NetBox: walks every page of /api/dcim/devices/ with
// the configured filters, by id (ordering=id, then id__gt= the last id: keyset paging, so a
// NetBox that changes during the walk still gives every device that existed throughout,
// once), and hands each page's devices to the caller as it arrives, so the fleet is never
// held whole. Transient failures (no answer, 408, 429, 5xx, a cut or
// malformed body) are retried with capped, jittered backoff; a walk that could not read
// everything says so (complete == false) instead of pretending. Not thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "inventory/device.hpp"
#include "inventory/netbox_device.hpp"
#include "inventory/netbox_endpoint.hpp"

namespace nbsync::http {
class HttpClient;
}

namespace nbsync::inventory {

struct NetboxOptions {
  NetboxEndpoint netbox;
  int page_size = 1000;
  int max_attempts = 5;  // per request
  std::chrono::milliseconds backoff_base{500};
  std::chrono::milliseconds backoff_cap{30000};
  DeviceParseOptions parse;
  std::stop_token stop;  // requested: read no further page (the walk is then incomplete)
};

// Server-side filters (NetBox query parameters). Status is decided client-side (see
// DeviceScope) so that out-of-scope devices are reported as skipped, not silently absent.
struct DeviceQuery {
  std::vector<std::string> site, role, tag, platform, tenant;
  std::map<std::string, std::string> custom_fields;  // cf_<name>=<value>
  std::vector<std::int64_t> id;                      // only these devices (OR); empty: any
  std::vector<std::string> region;                   // region slugs: their sites and their sub-regions' (OR)
};

struct WalkResult {
  bool complete = false;
  std::size_t expected = 0;  // NetBox's `count` when the walk began
  std::size_t received = 0;  // distinct devices handed to the caller
  int retries = 0;
  std::string error;  // why the walk is incomplete; names NetBox's answer, never the token
};

// The slugs of the sites in a region and every region below it (NetBox's tree filter).
struct SitesOfRegion {
  bool complete = false;
  std::vector<std::string> slugs;  // sorted, distinct
  std::string error;               // why not complete; names NetBox's answer, never the token
};

// The slugs of the platforms or device roles that name a config template (NetBox 3.5+): a
// device that names none renders from its role's, else its platform's.
struct TemplatedSlugs {
  bool complete = false;
  std::set<std::string> slugs;
  std::string error;  // why not complete; names NetBox's answer, never the token
};

class NetboxClient {
public:
  explicit NetboxClient(NetboxOptions options);
  ~NetboxClient();

  using PageHandler = std::function<void(std::vector<Device>&& page)>;
  WalkResult walk_devices(const DeviceQuery& query, const PageHandler& on_page);
  // GET /api/dcim/sites/?region=SLUG, every page.
  SitesOfRegion sites_in_region(const std::string& region);
  // GET `list_path` ("/api/dcim/platforms/", "/api/dcim/device-roles/"), every page.
  TemplatedSlugs templated_slugs(const std::string& list_path);

  // The first request of the walk, as a path under NetBox's base URL; later pages add id__gt.
  std::string devices_path(const DeviceQuery& query) const;

private:
  struct Fetch;
  // `path` starts with /api/.
  Fetch fetch_json(const std::string& path, WalkResult& result);
  // One page of devices, checked to come in rising id order after `last_id` (moved on).
  bool read_page(const nlohmann::json& results, const std::string& path, std::int64_t& last_id,
                 std::vector<Device>& page, WalkResult& result) const;
  // Reads `path` and every page its `next` links lead to, handing each page's `results`
  // to `on_results` (false: stop, result.error says why). Sets result.expected from
  // `count`; false when the walk stopped before the end (result.error says why).
  bool walk_pages(std::string path, WalkResult& result,
                  const std::function<bool(const nlohmann::json& results)>& on_results);
  std::string shown_url(const std::string& path) const;

  NetboxOptions m_options;
  std::unique_ptr<http::HttpClient> m_http;
};

}  // namespace nbsync::inventory
