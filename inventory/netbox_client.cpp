#include "inventory/netbox_client.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <thread>

#include "http/http_client.hpp"
#include "http/redact.hpp"
#include "types/backoff.hpp"

namespace nbsync::inventory {
namespace {

using json = nlohmann::json;

std::string url_encode(const std::string& text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

bool is_transient(long status) {
  return status == 0 || status == 408 || status == 429 || status >= 500;
}

}  // namespace

struct NetboxClient::Fetch {
  bool ok = false;
  json body;
};

NetboxClient::NetboxClient(NetboxOptions options)
    : m_options(std::move(options)),
      m_http(std::make_unique<http::HttpClient>(netbox_client_options(m_options.netbox))) {}

NetboxClient::~NetboxClient() = default;

std::string NetboxClient::devices_path(const DeviceQuery& query) const {
  // Keyset paging: ordered by id, each next page asks for the ids after the last one seen
  // (walk_devices adds id__gt), so devices deleted or added during the walk never shift a
  // page the way offset paging does.
  std::string url = "/api/dcim/devices/?ordering=id&limit=" + std::to_string(m_options.page_size);
  // Only the keys device_from_netbox reads (NetBox 4.0 and later; 3.7 ignores fields= and
  // sends every key). NetBox computes a device's config context, its costliest part, even
  // when fields= leaves it out, unless exclude= says so.
  url += "&fields=id,name,status,site,role,platform,tenant,tags,primary_ip4,primary_ip6,custom_fields,config_template";
  if (m_options.parse.port_context_key.empty()) {
    url += "&exclude=config_context";
  } else {
    url += ",config_context";
  }
  auto add = [&url](const std::string& key, const std::vector<std::string>& values) {
    for (const auto& value : values) {
      url.append("&").append(key).append("=").append(url_encode(value));
    }
  };
  add("site", query.site);
  add("role", query.role);
  add("tag", query.tag);
  add("platform", query.platform);
  add("tenant", query.tenant);
  add("region", query.region);
  for (const auto& [name, value] : query.custom_fields) {
    url.append("&cf_").append(url_encode(name)).append("=").append(url_encode(value));
  }
  for (const std::int64_t id : query.id) {
    url.append("&id=").append(std::to_string(id));
  }
  return url;
}

std::string NetboxClient::shown_url(const std::string& path) const {
  return http::redact_url(m_options.netbox.url + path);
}

NetboxClient::Fetch NetboxClient::fetch_json(const std::string& path, WalkResult& result) {
  const std::string shown = shown_url(path);
  std::string last_problem;
  for (int attempt = 0; attempt < m_options.max_attempts; ++attempt) {
    if (attempt > 0) {
      ++result.retries;
    }
    const http::HttpResponse response = m_http->send(netbox_request(m_options.netbox, "GET", path));
    std::chrono::milliseconds wait = full_jitter_backoff(attempt, m_options.backoff_base, m_options.backoff_cap);
    if (response.ok()) {
      json body = json::parse(response.body, nullptr, false);
      if (!body.is_discarded() && body.is_object()) {
        return {true, std::move(body)};
      }
      last_problem =
          "NetBox answered 200 with a body that is not JSON (" + std::to_string(response.body.size()) + " bytes)";
    } else if (is_transient(response.status)) {
      last_problem = response.status == 0
                         ? response.error
                         : "NetBox answered " + std::to_string(response.status) + ": " + netbox_reason(response.body);
      if (auto retry_after = response.retry_after()) {
        // A proxy's Retry-After is honoured over our own backoff, within reason.
        wait = std::max<std::chrono::milliseconds>(
            wait, std::min<std::chrono::milliseconds>(*retry_after, std::chrono::minutes(5)));
      }
    } else {
      // 4xx: retrying will not help. Say what NetBox said and what to check.
      std::string hint;
      if (response.status == 403) {
        hint = " (check netbox.token_file: the token is wrong, expired or lacks read permission on dcim.device)";
      }
      if (response.status == 400) {
        hint = " (check [netbox.filters]: NetBox rejected a filter value)";
      }
      if (response.status == 404) {
        hint = " (check netbox.url: it should be NetBox's base URL, without /api)";
      }
      result.error = "GET " + shown + ": NetBox answered " + std::to_string(response.status) + ": " +
                     netbox_reason(response.body) + hint;
      return {};
    }
    if (attempt + 1 < m_options.max_attempts) {
      std::this_thread::sleep_for(wait);
    }
  }
  result.error =
      "GET " + shown + ": gave up after " + std::to_string(m_options.max_attempts) + " attempts; last: " + last_problem;
  return {};
}

bool NetboxClient::walk_pages(std::string path, WalkResult& result,
                              const std::function<bool(const json& results)>& on_results) {
  std::set<std::string> visited;
  while (!path.empty()) {
    if (!visited.insert(path).second) {
      result.error = "NetBox's next link repeats " + shown_url(path) + "; stopping to avoid a loop";
      return false;
    }
    Fetch fetch = fetch_json(path, result);
    if (!fetch.ok) {
      return false;
    }
    const json& body = fetch.body;
    if (!body.contains("results") || !body["results"].is_array() || !body.contains("count")) {
      result.error = "GET " + shown_url(path) + ": the answer has no count/results; is netbox.path a NetBox?";
      return false;
    }
    if (body["count"].is_number_integer()) {
      result.expected = body["count"].get<std::size_t>();
    }
    if (!on_results(body["results"])) {
      return false;
    }
    if (m_options.stop.stop_requested()) {
      result.error = "stopped after " + std::to_string(result.received) + " objects (nbsync is shutting down)";
      return false;
    }
    // Follow `next`, but on the configured base URL: NetBox behind a proxy often writes
    // its own scheme or host into it.
    path.clear();
    if (body.contains("next") && body["next"].is_string()) {
      const std::string next = body["next"];
      const auto api = next.find("/api/");
      if (api == std::string::npos) {
        result.error = "NetBox's next link has no /api/ path: " + http::redact_url(next);
        return false;
      }
      path = next.substr(api);
      if (body["results"].empty()) {
        result.error = "NetBox returned an empty page before the end (" + std::to_string(result.received) + " of " +
                       std::to_string(result.expected) + ")";
        return false;
      }
    }
  }
  return true;
}

WalkResult NetboxClient::walk_devices(const DeviceQuery& query, const PageHandler& on_page) {
  WalkResult result;
  std::optional<std::size_t> first_count;
  std::int64_t last_id = 0;  // keyset: each page asks for the devices after the last one seen
  for (;;) {
    const std::string path = devices_path(query) + (last_id > 0 ? "&id__gt=" + std::to_string(last_id) : "");
    Fetch fetch = fetch_json(path, result);
    if (!fetch.ok) {
      return result;
    }
    const json& body = fetch.body;
    if (!body.contains("results") || !body["results"].is_array() || !body.contains("count") ||
        !body["count"].is_number_integer()) {
      result.error = "GET " + shown_url(path) + ": the answer has no count/results; is netbox.url a NetBox?";
      return result;
    }
    const auto count = body["count"].get<std::size_t>();  // the devices from this page on
    first_count = first_count.value_or(count);
    result.expected = *first_count;
    std::vector<Device> page;
    if (!read_page(body["results"], path, last_id, page, result)) {
      return result;
    }
    result.received += page.size();
    const bool more = body.contains("next") && body["next"].is_string();
    if (!more && count != page.size()) {
      result.error = "GET " + shown_url(path) + ": NetBox counts " + std::to_string(count) +
                     " devices from here on but its last page holds " + std::to_string(page.size());
      return result;
    }
    if (more && page.empty()) {
      result.error = "NetBox returned an empty page before the end (" + std::to_string(result.received) +
                     " devices read, " + std::to_string(count) + " said to follow)";
      return result;
    }
    if (!page.empty()) {
      on_page(std::move(page));
    }
    if (m_options.stop.stop_requested()) {
      result.error = "stopped after " + std::to_string(result.received) + " devices (nbsync is shutting down)";
      return result;
    }
    if (!more) {
      break;
    }
  }
  result.complete = true;
  return result;
}

bool NetboxClient::read_page(const json& results, const std::string& path, std::int64_t& last_id,
                             std::vector<Device>& page, WalkResult& result) const {
  page.reserve(results.size());
  for (const auto& object : results) {
    try {
      Device device = device_from_netbox(object, m_options.parse);
      if (device.id <= last_id) {
        // A proxy that drops the query, or a NetBox that ignored ordering=id: paging by id
        // would then skip or repeat devices, so the walk cannot be trusted.
        result.error = "GET " + shown_url(path) + ": device " + std::to_string(device.id) + " came after device " +
                       std::to_string(last_id) +
                       "; NetBox did not apply ordering=id and id__gt (is a proxy "
                       "rewriting the query string?)";
        return false;
      }
      last_id = device.id;
      page.push_back(std::move(device));
    } catch (const std::invalid_argument& e) {
      result.error = "GET " + shown_url(path) + ": " + e.what();
      return false;
    }
  }
  return true;
}

SitesOfRegion NetboxClient::sites_in_region(const std::string& region) {
  SitesOfRegion sites;
  WalkResult result;
  const std::string path =
      "/api/dcim/sites/?brief=1&limit=" + std::to_string(m_options.page_size) + "&region=" + url_encode(region);
  const bool walked = walk_pages(path, result, [&](const json& results) {
    for (const auto& site : results) {
      if (!site.is_object() || !site.contains("slug") || !site["slug"].is_string()) {
        result.error = "GET " + shown_url(path) + ": a site without a slug";
        return false;
      }
      sites.slugs.push_back(site["slug"].get<std::string>());
      ++result.received;
    }
    return true;
  });
  if (!walked) {
    sites.error = "region " + region + ": " + result.error;
    if (result.error.find("answered 400") != std::string::npos) {
      sites.error = "region " + region + ": NetBox knows no region with that slug (" + result.error + ")";
    }
    return sites;
  }
  std::sort(sites.slugs.begin(), sites.slugs.end());
  sites.slugs.erase(std::unique(sites.slugs.begin(), sites.slugs.end()), sites.slugs.end());
  sites.complete = true;
  return sites;
}

TemplatedSlugs NetboxClient::templated_slugs(const std::string& list_path) {
  TemplatedSlugs templated;
  WalkResult result;
  const std::string path = list_path + "?limit=" + std::to_string(m_options.page_size);
  const bool walked = walk_pages(path, result, [&](const json& results) {
    for (const auto& object : results) {
      if (!object.is_object() || !object.contains("slug") || !object["slug"].is_string()) {
        result.error = "GET " + shown_url(path) + ": an object without a slug";
        return false;
      }
      const auto found = object.find("config_template");
      if (found != object.end() && found->is_object()) {
        templated.slugs.insert(object["slug"].get<std::string>());
      }
    }
    return true;
  });
  templated.complete = walked;
  templated.error = walked ? "" : result.error;
  return templated;
}

}  // namespace nbsync::inventory
