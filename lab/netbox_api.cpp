#include "lab/netbox_api.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <optional>
#include <regex>
#include <thread>

#include "lab/config_templates.hpp"
#include "lab/netbox_auth.hpp"
#include "lab/netbox_json.hpp"
#include "lab/netbox_paging.hpp"
#include "lab/netbox_shapes_3_7.hpp"

namespace nbsync::lab {
namespace {

using json = nlohmann::json;

const std::vector<std::string> k_statuses = {"offline", "active",    "planned",        "staged",
                                             "failed",  "inventory", "decommissioning"};
const std::vector<std::string> k_field_types = {"text",        "longtext", "integer",    "decimal", "boolean",
                                                "date",        "datetime", "url",        "json",    "select",
                                                "multiselect", "object",   "multiobject"};
const std::vector<std::string> k_journal_kinds = {"info", "success", "warning", "danger"};
const std::vector<std::string> k_button_classes = {"default", "blue",   "indigo", "purple", "pink",
                                                   "red",     "orange", "yellow", "green",  "teal",
                                                   "cyan",    "gray",   "black",  "white",  "ghost-dark"};
// NetBox 3.7's: its default is "outline-dark"; "default" is refused (seen on 3.7.8).
const std::vector<std::string> k_button_classes_3_7 = {"outline-dark", "blue",   "indigo", "purple", "pink",
                                                       "red",          "orange", "yellow", "green",  "teal",
                                                       "cyan",         "gray",   "black",  "white",  "ghost-dark"};

// The fault taken for the request this thread is serving, applied after routing.
thread_local std::optional<ApiFault> t_fault;
// The user whose token the request this thread is serving carries (set by the token check).
thread_local const LabUser* t_user = nullptr;

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool icontains(const std::string& haystack, const std::string& needle_lower) {
  return lower(haystack).find(needle_lower) != std::string::npos;
}

std::optional<std::int64_t> to_int(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

json field_error(const std::string& field, const std::string& message) {
  return {{field, json::array({message})}};
}

std::string invalid_choice(const std::string& value) {
  return "Select a valid choice. " + value + " is not one of the available choices.";
}

void send(httplib::Response& response, int status, const json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

std::string base_url(const httplib::Request& request) {
  std::string host = request.get_header_value("Host");
  if (host.empty()) {
    host = "127.0.0.1";
  }
  return "http://" + host;
}

// NetBox stores a datetime custom field and shows it in UTC with "Z".
std::string normalize_datetime(std::int64_t micros) {
  const std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// Validates one custom field value against its definition; returns an error message or "".
std::string check_custom_value(const json& def, json& value) {
  if (value.is_null()) {
    return "";
  }
  const std::string type = def["type"];
  if (type == "text" || type == "longtext" || type == "url" || type == "select") {
    return value.is_string() ? "" : "Value must be a string.";
  }
  if (type == "integer") {
    return value.is_number_integer() ? "" : "Value must be an integer.";
  }
  if (type == "decimal") {
    return value.is_number() ? "" : "Value must be a decimal.";
  }
  if (type == "boolean") {
    return value.is_boolean() ? "" : "Value must be true or false.";
  }
  if (type == "date") {
    if (!value.is_string() || value.get<std::string>().size() != 10 ||
        !parse_iso8601_micros(value.get<std::string>())) {
      return "Date values must be in ISO 8601 format (YYYY-MM-DD).";
    }
    return "";
  }
  if (type == "datetime") {
    const auto micros = value.is_string() ? parse_iso8601_micros(value.get<std::string>()) : std::nullopt;
    if (!micros) {
      return "Date and time values must be in ISO 8601 format (YYYY-MM-DD HH:MM:SS).";
    }
    value = normalize_datetime(*micros);
    return "";
  }
  return "";  // json, multiselect, object, multiobject: accepted as given
}

std::string scalar_text(const json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  return value.dump();
}

// The device list's filters, parsed once per request.
struct DeviceQuery {
  bool any = false;
  std::set<std::int64_t> ids;
  std::optional<std::int64_t> id_gt, id_gte, id_lt, id_lte;
  std::set<std::string> names, statuses;
  std::set<int> sites, roles, platforms, tenants;
  std::optional<std::set<int>> region_sites;  // `region`: the sites of those regions and the ones below
  std::vector<int> tags;                      // AND
  std::optional<bool> has_primary_ip;
  std::string q;  // lower-cased
  struct CustomFieldMatch {
    std::string name;
    std::string value;
    bool exact;
  };
  std::vector<CustomFieldMatch> custom;
  std::optional<std::int64_t> last_updated_gte;

  bool matches(const LabDevice& d) const {
    if (!any) {
      return true;
    }
    if (!ids.empty() && !ids.count(d.id)) {
      return false;
    }
    if (id_gt && !(d.id > *id_gt)) {
      return false;
    }
    if (id_gte && !(d.id >= *id_gte)) {
      return false;
    }
    if (id_lt && !(d.id < *id_lt)) {
      return false;
    }
    if (id_lte && !(d.id <= *id_lte)) {
      return false;
    }
    if (!names.empty() && (!d.name || !names.count(*d.name))) {
      return false;
    }
    if (!statuses.empty() && !statuses.count(d.status)) {
      return false;
    }
    if (region_sites && !region_sites->count(d.site)) {
      return false;
    }
    if (!sites.empty() && !sites.count(d.site)) {
      return false;
    }
    if (!roles.empty() && !roles.count(d.role)) {
      return false;
    }
    if (!platforms.empty() && (!d.platform || !platforms.count(*d.platform))) {
      return false;
    }
    if (!tenants.empty() && (!d.tenant || !tenants.count(*d.tenant))) {
      return false;
    }
    for (int tag : tags) {
      if (std::find(d.tags.begin(), d.tags.end(), tag) == d.tags.end()) {
        return false;
      }
    }
    if (has_primary_ip && (d.ipv4 != 0) != *has_primary_ip) {
      return false;
    }
    if (!q.empty()) {
      const bool hit = (d.name && icontains(*d.name, q)) || icontains(d.serial, q) || icontains(d.description, q) ||
                       icontains(d.comments, q) || (d.ipv4 != 0 && format_ipv4(d.ipv4).find(q) != std::string::npos);
      if (!hit) {
        return false;
      }
    }
    for (const auto& match : custom) {
      if (!d.custom_fields.contains(match.name) || d.custom_fields[match.name].is_null()) {
        return false;
      }
      const std::string value = scalar_text(d.custom_fields[match.name]);
      if (match.exact ? value != match.value : lower(value).find(lower(match.value)) == std::string::npos) {
        return false;
      }
    }
    if (last_updated_gte) {
      const auto updated = parse_iso8601_micros(d.last_updated);
      if (!updated || *updated < *last_updated_gte) {
        return false;
      }
    }
    return true;
  }
};

// Resolves slugs (or ids with the *_id key) to indexes; adds NetBox's 400 message on a miss.
void resolve_choices(const httplib::Request& request, const std::string& key, const std::vector<Choice>& choices,
                     std::set<int>& out, json& errors, bool& any) {
  for (const auto& slug : param_values(request, key)) {
    any = true;
    auto it = std::find_if(choices.begin(), choices.end(), [&](const Choice& c) { return c.slug == slug; });
    if (it == choices.end()) {
      errors[key] = json::array({invalid_choice(slug)});
    } else {
      out.insert(static_cast<int>(it - choices.begin()));
    }
  }
  for (const auto& id_text : param_values(request, key + "_id")) {
    any = true;
    const auto id = to_int(id_text);
    auto it = std::find_if(choices.begin(), choices.end(), [&](const Choice& c) { return id && c.id == *id; });
    if (it == choices.end()) {
      errors[key + "_id"] = json::array({invalid_choice(id_text)});
    } else {
      out.insert(static_cast<int>(it - choices.begin()));
    }
  }
}

json build_device_query(const httplib::Request& request, const Fleet& fleet, const std::vector<json>& device_fields,
                        DeviceQuery& query) {
  json errors = json::object();
  auto number = [&](const std::string& key) -> std::optional<std::int64_t> {
    if (!request.has_param(key)) {
      return std::nullopt;
    }
    query.any = true;
    auto value = to_int(request.get_param_value(key));
    if (!value) {
      errors[key] = json::array({"Enter a number."});
    }
    return value;
  };
  for (const auto& id : param_values(request, "id")) {
    query.any = true;
    if (auto value = to_int(id)) {
      query.ids.insert(*value);
    } else {
      errors["id"] = json::array({"Enter a number."});
    }
  }
  query.id_gt = number("id__gt");
  query.id_gte = number("id__gte");
  query.id_lt = number("id__lt");
  query.id_lte = number("id__lte");
  for (const auto& name : param_values(request, "name")) {
    query.any = true;
    query.names.insert(name);
  }
  for (const auto& status : param_values(request, "status")) {
    query.any = true;
    if (!contains(k_statuses, status)) {
      errors["status"] = json::array({invalid_choice(status)});
    }
    query.statuses.insert(status);
  }
  resolve_choices(request, "site", fleet.sites(), query.sites, errors, query.any);
  resolve_choices(request, "role", fleet.roles(), query.roles, errors, query.any);
  resolve_choices(request, "platform", fleet.platforms(), query.platforms, errors, query.any);
  resolve_choices(request, "tenant", fleet.tenants(), query.tenants, errors, query.any);
  std::set<int> regions;
  resolve_choices(request, "region", fleet.regions(), regions, errors, query.any);
  if (!regions.empty()) {
    query.region_sites.emplace();
    for (std::size_t site = 0; site < fleet.sites().size(); ++site) {
      const int region = fleet.site_region(static_cast<int>(site));
      if (std::any_of(regions.begin(), regions.end(), [&](int r) { return fleet.region_within(region, r); })) {
        query.region_sites->insert(static_cast<int>(site));
      }
    }
  }
  std::set<int> tags;
  resolve_choices(request, "tag", fleet.tags(), tags, errors, query.any);
  query.tags.assign(tags.begin(), tags.end());
  if (request.has_param("has_primary_ip")) {
    const std::string value = lower(request.get_param_value("has_primary_ip"));
    if (value == "true" || value == "false") {  // 1/0 are silently ignored, as in NetBox
      query.any = true;
      query.has_primary_ip = value == "true";
    }
  }
  if (request.has_param("q") && !request.get_param_value("q").empty()) {
    query.any = true;
    query.q = lower(request.get_param_value("q"));
  }
  for (const auto& [key, value] : request.params) {
    if (!key.starts_with("cf_")) {
      continue;
    }
    const std::string name = key.substr(3);
    auto def =
        std::find_if(device_fields.begin(), device_fields.end(), [&](const json& f) { return f["name"] == name; });
    if (def == device_fields.end()) {
      continue;  // unknown parameters are ignored, as in NetBox
    }
    const std::string logic = def->value("filter_logic", "loose");
    if (logic == "disabled") {
      continue;
    }
    const std::string type = (*def)["type"];
    const bool loose_text = logic == "loose" && (type == "text" || type == "longtext" || type == "url");
    query.any = true;
    query.custom.push_back({name, value, !loose_text});
  }
  if (request.has_param("last_updated__gte")) {
    query.any = true;
    query.last_updated_gte = parse_iso8601_micros(request.get_param_value("last_updated__gte"));
    if (!query.last_updated_gte) {
      errors["last_updated__gte"] = json::array({"Enter a valid date/time."});
    }
  }
  return errors;
}

// The 404 page Django renders for a path NetBox does not know.
constexpr const char* k_not_found_page =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Page Not Found | NetBox</title></head>\n<body>\n"
    "<h1>Page Not Found</h1>\n<p>The requested page does not exist.</p>\n</body>\n</html>\n";

json netbox_error_500(const std::string& message) {
  return {{"error", message},
          {"exception", "OperationalError"},
          {"netbox_version", k_netbox_version},
          {"python_version", "3.12.3"}};
}

// A device's ETag (4.6): changes whenever the device does.
std::string device_etag(const LabDevice& device) {
  char text[24];
  std::snprintf(text, sizeof text, "\"%016zx\"",
                std::hash<std::string>{}(std::to_string(device.id) + "@" + device.last_updated));
  return text;
}

bool has_body(const httplib::Request& request) {
  return request.has_header("Content-Length") ? request.get_header_value("Content-Length") != "0"
                                              : request.has_header("Transfer-Encoding");
}

// A status fault's answer: NetBox's own 500 body, or the proxy page nginx serves.
void answer_status_fault(const ApiFault& fault, httplib::Response& response) {
  response.status = fault.status;
  if (fault.status == 500) {
    response.set_content(netbox_error_500("could not connect to server: Connection refused").dump(),
                         "application/json");
    return;
  }
  if (fault.status == 429 && fault.retry_after_seconds > 0) {
    response.set_header("Retry-After", std::to_string(fault.retry_after_seconds));
  }
  const std::string code = std::to_string(fault.status);
  response.set_content("<html>\r\n<head><title>" + code + "</title></head>\r\n<body>\r\n<center><h1>" + code +
                           "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                       "text/html");
}

}  // namespace

json NetboxApi::versioned(json object) const {
  return m_release.content_types() ? shown_as_3_7(std::move(object)) : object;
}

NetboxApi::Reply NetboxApi::create_versioned(const json& body, const std::function<Reply(const json&)>& create) {
  if (!m_release.content_types()) {
    return create(body);
  }
  Reply reply = create(body_from_3_7(body));
  if (reply.status == 400) {
    reply.body = errors_as_3_7(std::move(reply.body));
  }
  return reply;
}

NetboxApi::Reply NetboxApi::create_event_rule_versioned(const json& body, const std::string& base) {
  if (!m_release.content_types()) {
    auto [status, answer] = m_event_rules.create_event_rule(body, base);
    return {status, std::move(answer)};
  }
  // 3.7: its fields are checked first (in its terms), then that a type_* is set (EventRule.clean()).
  const json translated = body_from_3_7(body);
  json probe = translated;
  if (probe.is_object() && !probe.contains("event_types")) {
    probe["event_types"] = json::array({"object_updated"});
  }
  if (json errors = errors_as_3_7(m_event_rules.event_rule_errors(probe)); !errors.empty()) {
    return {400, std::move(errors)};
  }
  if (json errors = event_rule_errors_3_7(body); !errors.empty()) {
    return {400, std::move(errors)};
  }
  auto [status, answer] = m_event_rules.create_event_rule(translated, base);
  return {status, versioned(std::move(answer))};
}

const std::vector<std::string>& emulated_netbox_versions() {
  return NetboxRelease::emulated_releases();
}

NetboxApi::NetboxApi(Fleet& fleet, NetboxApiOptions options)
    : m_fleet(fleet),
      m_options(std::move(options)),
      m_release(m_options.version),
      m_generated_count(static_cast<std::int64_t>(fleet.devices().size())),
      m_tokens(m_options.token, m_release.v2_tokens()) {
  load_state();
}

std::vector<json> NetboxApi::device_fields() const {
  std::vector<json> out;
  for (const auto& def : m_custom_fields) {
    if (contains(def["object_types"].get<std::vector<std::string>>(), "dcim.device")) {
      out.push_back(def);
    }
  }
  return out;
}

json NetboxApi::render_device(const LabDevice& device, const std::string& base) const {
  return device_json(m_fleet, device, base, device_fields(), render_options(nullptr));
}

DeviceRenderOptions NetboxApi::render_options(const httplib::Request* request) const {
  DeviceRenderOptions options;
  options.device_role = m_release.v3();
  options.choice_custom_fields = m_release.choice_custom_fields();
  if (request == nullptr) {
    return options;
  }
  options.brief = request->has_param("brief") && !request->get_param_value("brief").empty();
  options.include_config_context = !contains(param_values(*request, "exclude"), "config_context");
  auto names = [&](const char* key) {
    std::set<std::string> out;
    for (const auto& value : param_values(*request, key)) {
      for (std::size_t start = 0; start <= value.size();) {
        const std::size_t comma = std::min(value.find(',', start), value.size());
        if (comma > start) {
          out.insert(value.substr(start, comma - start));
        }
        start = comma + 1;
      }
    }
    return out;
  };
  if (m_release.fields_param() && request->has_param("fields")) {
    options.fields = names("fields");
  }
  if (m_release.omit_param()) {
    options.omit = names("omit");
  }
  return options;
}

void NetboxApi::set_site_custom_field(json definition, std::vector<std::string> value_per_site) {
  std::lock_guard lock(m_mutex);
  const std::string name = definition.at("name");
  if (std::none_of(m_custom_fields.begin(), m_custom_fields.end(), [&](const json& f) { return f["name"] == name; })) {
    definition["id"] = m_next_custom_field_id++;
    definition["created"] = definition["last_updated"] = "2025-01-01T00:00:00.000000Z";
    m_custom_fields.push_back(std::move(definition));
    m_dirty = true;
  }
  m_site_fields.emplace_back(name, std::move(value_per_site));
  for (const auto& generated : m_fleet.devices()) {
    apply_site_fields(*m_fleet.find(generated.id));
  }
}

void NetboxApi::apply_site_fields(LabDevice& device) const {
  for (const auto& [name, values] : m_site_fields) {
    const auto site = static_cast<std::size_t>(device.site);
    if (site < values.size() && !values[site].empty()) {
      device.custom_fields[name] = values[site];
    } else {
      device.custom_fields.erase(name);
    }
  }
}

void NetboxApi::touch(std::int64_t id) {
  m_touched.insert(id);
  m_dirty = true;
}

void NetboxApi::handle(const httplib::Request& request, httplib::Response& response,
                       const std::function<Reply(const std::string& base)>& route) {
  if (t_fault && t_fault->kind == ApiFaultKind::status) {
    answer_status_fault(*t_fault, response);  // the body has been read; nothing is applied
    t_fault.reset();
    return;
  }
  Reply reply;
  {
    std::lock_guard lock(m_mutex);
    reply = route(base_url(request));
  }
  for (const auto& [name, value] : reply.headers) {
    response.set_header(name, value);
  }
  if (reply.status == 204) {
    response.status = 204;
    return;
  }
  if (t_fault && t_fault->kind == ApiFaultKind::broken_next && reply.body.is_object() && reply.body.contains("next") &&
      reply.body["next"].is_string()) {
    t_fault.reset();
    // A page that says it is the last while its count says more follow (a proxy that
    // rewrote it, a bug): a client that trusts `next` alone stops early and misses devices.
    reply.body["next"] = nullptr;
  }
  send(response, reply.status, reply.body);
}

NetboxApi::Reply NetboxApi::list_devices(const httplib::Request& request, const std::string& base) {
  const auto fields = device_fields();
  DeviceQuery query;
  json errors = build_device_query(request, m_fleet, fields, query);
  if (!errors.empty()) {
    return {400, errors};
  }
  const DeviceRenderOptions options = render_options(&request);
  const PageRequest page = page_request(request);
  const auto& devices = m_fleet.devices();
  json results = json::array();
  std::size_t total = 0;
  const bool sees_all = t_user == nullptr || t_user->superuser || (t_user->view_devices && !t_user->site_id);
  if (!query.any && sees_all) {
    total = devices.size();
    for (std::size_t i = page.offset; i < total && i < page.offset + page.limit; ++i) {
      results.push_back(device_json(m_fleet, devices[i], base, fields, options));
    }
  } else {
    for (const auto& device : devices) {
      if (!query.matches(device) || (t_user != nullptr && !may_view(*t_user, device))) {
        continue;
      }
      if (total >= page.offset && total < page.offset + page.limit) {
        results.push_back(device_json(m_fleet, device, base, fields, options));
      }
      ++total;
    }
  }
  if (options.include_config_context && !options.brief) {
    m_listed_config_contexts += static_cast<long>(results.size());
  }
  return {200, page_json(request, base, total, std::move(results), page)};
}

json NetboxApi::validate_device_patch(const LabDevice& device, const json& patch) const {
  (void)device;
  json errors = json::object();
  if (patch.contains("status") && (!patch["status"].is_string() || !contains(k_statuses, patch["status"]))) {
    errors["status"] = json::array({"\"" + scalar_text(patch["status"]) + "\" is not a valid choice."});
  }
  for (const char* key : {"description", "comments", "serial"}) {
    if (patch.contains(key) && !patch[key].is_string()) {
      errors[key] = json::array({"Not a valid string."});
    }
  }
  if (patch.contains("name") && !patch["name"].is_string() && !patch["name"].is_null()) {
    errors["name"] = json::array({"Not a valid string."});
  }
  if (patch.contains("platform") && !patch["platform"].is_null()) {
    const auto& p = patch["platform"];
    const bool ok = p.is_number_integer() && p.get<std::int64_t>() >= 1 &&
                    p.get<std::int64_t>() <= static_cast<std::int64_t>(m_fleet.platforms().size());
    if (!ok) {
      errors["platform"] = json::array({"Invalid pk \"" + scalar_text(p) + "\" - object does not exist."});
    }
  }
  if (patch.contains("tags")) {
    if (!patch["tags"].is_array()) {
      errors["tags"] =
          json::array({"Expected a list of items but got type \"" + std::string(patch["tags"].type_name()) + "\"."});
    } else {
      for (const auto& item : patch["tags"]) {
        const auto resolved = resolve_tag(item);
        if (const auto* problem = std::get_if<std::string>(&resolved)) {
          errors["tags"] = json::array({*problem});
        }
      }
    }
  }
  if (patch.contains("custom_fields")) {
    const auto& values = patch["custom_fields"];
    if (!values.is_object()) {
      errors["custom_fields"] =
          json::array({"Invalid data. Expected a dictionary, but got " + std::string(values.type_name()) + "."});
      return errors;
    }
    const auto fields = device_fields();
    for (const auto& [name, value] : values.items()) {
      auto def = std::find_if(fields.begin(), fields.end(), [&](const json& f) { return f["name"] == name; });
      if (def == fields.end()) {
        if (m_release.unknown_field_under_custom_fields()) {
          errors["custom_fields"] = {{name, "Custom field '" + name + "' does not exist for this object type."}};
        } else {
          errors["__all__"] = json::array({"Unknown field name '" + name + "' in custom field data."});
        }
        return errors;
      }
      json copy = value;
      if (const std::string message = check_custom_value(*def, copy); !message.empty()) {
        errors["__all__"] = json::array({"Invalid value for custom field '" + name + "': " + message});
        return errors;
      }
    }
  }
  return errors;
}

std::variant<int, std::string> NetboxApi::resolve_tag(const json& item) const {
  const auto& tags = m_fleet.tags();
  if (item.is_number_integer()) {
    const auto id = item.get<std::int64_t>();
    for (std::size_t i = 0; i < tags.size(); ++i) {
      if (tags[i].id == id) {
        return static_cast<int>(i);
      }
    }
    return "Related object not found using the provided numeric ID: " + std::to_string(id);
  }
  if (!item.is_object() || item.empty()) {
    return std::string("Related objects must be referenced by numeric ID or by dictionary of attributes.");
  }
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const bool matches = (!item.contains("id") || item["id"] == tags[i].id) &&
                         (!item.contains("name") || item["name"] == tags[i].name) &&
                         (!item.contains("slug") || item["slug"] == tags[i].slug);
    if (matches) {
      return static_cast<int>(i);
    }
  }
  std::string attributes;
  for (const auto& [key, value] : item.items()) {
    attributes += (attributes.empty() ? "'" : ", '") + key +
                  "': " + (value.is_string() ? "'" + value.get<std::string>() + "'" : value.dump());
  }
  return "Related object not found using the provided attributes: {" + attributes + "}";
}

void NetboxApi::apply_device_patch(LabDevice& device, const json& patch) {
  if (patch.contains("tags")) {
    device.tags.clear();
    for (const auto& item : patch["tags"]) {
      const int tag = std::get<int>(resolve_tag(item));
      if (std::find(device.tags.begin(), device.tags.end(), tag) == device.tags.end()) {
        device.tags.push_back(tag);
      }
    }
    std::sort(device.tags.begin(), device.tags.end());
  }
  if (patch.contains("status")) {
    device.status = patch["status"];
  }
  if (patch.contains("description")) {
    device.description = patch["description"];
  }
  if (patch.contains("comments")) {
    device.comments = patch["comments"];
  }
  if (patch.contains("serial")) {
    device.serial = patch["serial"];
  }
  if (patch.contains("name")) {
    device.name = patch["name"].is_null() ? std::nullopt : std::optional<std::string>(patch["name"].get<std::string>());
  }
  if (patch.contains("platform")) {
    device.platform = patch["platform"].is_null() ? std::nullopt : std::optional<int>(patch["platform"].get<int>() - 1);
  }
  if (patch.contains("custom_fields")) {
    const auto fields = device_fields();
    for (auto [name, value] : patch["custom_fields"].items()) {
      auto def = std::find_if(fields.begin(), fields.end(), [&](const json& f) { return f["name"] == name; });
      json stored = value;
      check_custom_value(*def, stored);  // normalizes datetimes
      if (stored.is_null()) {
        device.custom_fields.erase(name);
      } else {
        device.custom_fields[name] = stored;
      }
    }
  }
  device.last_updated = utc_now_iso();
  touch(device.id);
}

json NetboxApi::event_view(const LabDevice& device, const std::string& base) const {
  DeviceRenderOptions options;
  options.include_config_context = false;
  return device_json(m_fleet, device, base, device_fields(), options);
}

void NetboxApi::fire_device_updated(const json& before, const LabDevice& device, const std::string& base,
                                    const std::string& request_id) {
  ObjectEvent event{
      "dcim.device", "object_updated", before, event_view(device, base), t_user != nullptr ? t_user->username : "admin",
      request_id};
  m_webhooks.enqueue(m_event_rules.calls_for(event));
}

NetboxApi::Reply NetboxApi::patch_device(std::int64_t id, const json& body, const std::string& base,
                                         const DeviceRenderOptions& shown, const std::string& if_match) {
  LabDevice* device = m_fleet.find(id);
  if (device == nullptr) {
    return {404, {{"detail", "No Device matches the given query."}}};
  }
  if (m_release.etag() && !if_match.empty() && if_match != "*" && if_match != device_etag(*device)) {
    return {412, {{"detail", "Precondition failed: the object has changed since its ETag was read."}}};
  }
  if (!body.is_object()) {
    return {400,
            {{"non_field_errors",
              {"Invalid data. Expected a dictionary, but got " + std::string(body.type_name()) + "."}}}};
  }
  if (json errors = validate_device_patch(*device, body); !errors.empty()) {
    return {400, errors};
  }
  const json before = event_view(*device, base);
  apply_device_patch(*device, body);
  fire_device_updated(before, *device, base, random_uuid());
  Reply reply{200, device_json(m_fleet, *device, base, device_fields(), shown)};
  if (m_release.etag()) {
    reply.headers.emplace_back("ETag", device_etag(*device));
  }
  return reply;
}

NetboxApi::Reply NetboxApi::bulk_patch_devices(const json& body, const std::string& base,
                                               const DeviceRenderOptions& shown) {
  if (!body.is_array()) {
    return {
        400,
        {{"non_field_errors", {"Expected a list of items but got type \"" + std::string(body.type_name()) + "\"."}}}};
  }
  // Every item must carry an id: NetBox answers with one error dict per item, in order.
  bool missing_id = false;
  json id_errors = json::array();
  for (const auto& item : body) {
    const bool has_id = item.is_object() && item.contains("id") && item["id"].is_number_integer();
    id_errors.push_back(has_id ? json::object() : field_error("id", "This field is required."));
    missing_id = missing_id || !has_id;
  }
  if (missing_id) {
    return {400, id_errors};
  }
  // All or nothing: validate every known device first. Unknown ids are skipped silently.
  std::vector<std::pair<LabDevice*, const json*>> updates;
  for (const auto& item : body) {
    LabDevice* device = m_fleet.find(item["id"].get<std::int64_t>());
    if (device == nullptr) {
      continue;
    }
    if (json errors = validate_device_patch(*device, item); !errors.empty()) {
      return {400, errors};
    }
    updates.emplace_back(device, &item);
  }
  std::sort(updates.begin(), updates.end(), [](const auto& a, const auto& b) { return a.first->id < b.first->id; });
  json results = json::array();
  const std::string request_id = random_uuid();  // one request: one id for every device's webhook
  for (auto& [device, item] : updates) {
    const json before = event_view(*device, base);
    apply_device_patch(*device, *item);
    fire_device_updated(before, *device, base, request_id);
  }
  for (auto& [device, item] : updates) {
    results.push_back(device_json(m_fleet, *device, base, device_fields(), shown));
  }
  return {200, results};
}

NetboxApi::Reply NetboxApi::list_custom_fields(const httplib::Request& request, const std::string& base) {
  const auto names = param_values(request, "name");
  const auto types = param_values(request, "object_type");
  std::vector<const json*> matching;
  for (const auto& def : m_custom_fields) {
    if (!names.empty() && !contains(names, def["name"])) {
      continue;
    }
    if (!types.empty() && !contains(def["object_types"].get<std::vector<std::string>>(), types.front())) {
      continue;
    }
    matching.push_back(&def);
  }
  const PageRequest page = page_request(request);
  json results = json::array();
  for (std::size_t i = page.offset; i < matching.size() && i < page.offset + page.limit; ++i) {
    results.push_back(versioned(custom_field_json(*matching[i], base)));
  }
  return {200, page_json(request, base, matching.size(), std::move(results), page)};
}

NetboxApi::Reply NetboxApi::create_custom_field(const json& body, const std::string& base) {
  if (!body.is_object()) {
    return {400,
            {{"non_field_errors",
              {"Invalid data. Expected a dictionary, but got " + std::string(body.type_name()) + "."}}}};
  }
  json errors = json::object();
  static const std::regex k_name("^[a-z0-9_]+$");
  const std::string name = body.contains("name") && body["name"].is_string() ? body["name"].get<std::string>() : "";
  if (!body.contains("name")) {
    errors["name"] = json::array({"This field is required."});
  } else if (name.empty() || !std::regex_match(name, k_name)) {
    errors["name"] = json::array({"Only alphanumeric characters and underscores are allowed."});
  } else if (name.find("__") != std::string::npos) {
    errors["name"] = json::array({"Double underscores are not permitted in custom field names."});
  } else if (name.size() > 50) {
    errors["name"] = json::array({"Ensure this field has no more than 50 characters."});
  } else if (std::any_of(m_custom_fields.begin(), m_custom_fields.end(),
                         [&](const json& f) { return f["name"] == name; })) {
    errors["name"] = json::array({"custom field with this name already exists."});
  }
  if (!body.contains("object_types")) {
    errors["object_types"] = json::array({"This field is required."});
  } else if (!body["object_types"].is_array() || body["object_types"].empty()) {
    errors["object_types"] = json::array({"This list may not be empty."});
  }
  const std::string type = body.value("type", "text");
  if (!contains(k_field_types, type)) {
    errors["type"] = json::array({"\"" + type + "\" is not a valid choice."});
  } else if ((type == "select" || type == "multiselect") && !body.contains("choice_set")) {
    errors["choice_set"] = json::array({"Selection fields must specify a set of choices."});
  }
  for (const auto& [key, allowed] :
       {std::pair<const char*, std::vector<std::string>>{"filter_logic", {"disabled", "loose", "exact"}},
        {"ui_visible", {"always", "if-set", "hidden"}},
        {"ui_editable", {"yes", "no", "hidden"}}}) {
    if (body.contains(key) && (!body[key].is_string() || !contains(allowed, body[key]))) {
      errors[key] = json::array({"\"" + scalar_text(body[key]) + "\" is not a valid choice."});
    }
  }
  if (!errors.empty()) {
    return {400, errors};
  }
  json def = body;
  def["type"] = type;
  def["id"] = m_next_custom_field_id++;
  def["created"] = def["last_updated"] = utc_now_iso();
  m_custom_fields.push_back(def);
  m_dirty = true;
  return {201, versioned(custom_field_json(def, base))};
}

NetboxApi::Reply NetboxApi::list_custom_links(const httplib::Request& request, const std::string& base) {
  const auto names = param_values(request, "name");
  std::vector<const json*> matching;
  for (const auto& def : m_custom_links) {
    if (names.empty() || contains(names, def["name"])) {
      matching.push_back(&def);
    }
  }
  const PageRequest page = page_request(request);
  json results = json::array();
  for (std::size_t i = page.offset; i < matching.size() && i < page.offset + page.limit; ++i) {
    results.push_back(versioned(custom_link_json(*matching[i], base)));
  }
  return {200, page_json(request, base, matching.size(), std::move(results), page)};
}

NetboxApi::Reply NetboxApi::create_custom_link(const json& body, const std::string& base) {
  if (!body.is_object()) {
    return {400,
            {{"non_field_errors",
              {"Invalid data. Expected a dictionary, but got " + std::string(body.type_name()) + "."}}}};
  }
  json errors = json::object();
  for (const char* key : {"name", "object_types", "link_text", "link_url"}) {
    if (!body.contains(key)) {
      errors[key] = json::array({"This field is required."});
    }
  }
  if (body.contains("name") && std::any_of(m_custom_links.begin(), m_custom_links.end(),
                                           [&](const json& l) { return l["name"] == body["name"]; })) {
    errors["name"] = json::array({"custom link with this name already exists."});
  }
  if (body.contains("button_class") &&
      (!body["button_class"].is_string() ||
       !contains(m_release.v3() ? k_button_classes_3_7 : k_button_classes, body["button_class"]))) {
    errors["button_class"] = json::array({"\"" + scalar_text(body["button_class"]) + "\" is not a valid choice."});
  }
  if (!errors.empty()) {
    return {400, errors};
  }
  json def = body;
  def["id"] = m_next_custom_link_id++;
  def["created"] = def["last_updated"] = utc_now_iso();
  m_custom_links.push_back(def);
  m_dirty = true;
  return {201, versioned(custom_link_json(def, base))};
}

NetboxApi::Reply NetboxApi::list_journal(const httplib::Request& request, const std::string& base) {
  json errors = json::object();
  const auto types = param_values(request, "assigned_object_type");
  std::set<std::int64_t> object_ids, ids;
  for (const auto& text : param_values(request, "assigned_object_id")) {
    if (auto id = to_int(text)) {
      object_ids.insert(*id);
    } else {
      errors["assigned_object_id"] = json::array({"Enter a number."});
    }
  }
  for (const auto& text : param_values(request, "id")) {
    if (auto id = to_int(text)) {
      ids.insert(*id);
    } else {
      errors["id"] = json::array({"Enter a number."});
    }
  }
  const auto kinds = param_values(request, "kind");
  for (const auto& kind : kinds) {
    if (!contains(k_journal_kinds, kind)) {
      errors["kind"] = json::array({invalid_choice(kind)});
    }
  }
  std::optional<std::int64_t> after, before;
  for (const auto& [key, target] :
       {std::pair<const char*, std::optional<std::int64_t>*>{"created_after", &after}, {"created_before", &before}}) {
    if (request.has_param(key)) {
      *target = parse_iso8601_micros(request.get_param_value(key));
      if (!*target) {
        errors[key] = json::array({"Enter a valid date/time."});
      }
    }
  }
  if (!errors.empty()) {
    return {400, errors};
  }
  std::vector<const json*> matching;
  for (auto it = m_journal.rbegin(); it != m_journal.rend(); ++it) {  // newest first
    const json& entry = *it;
    if (!types.empty() && !contains(types, entry["assigned_object_type"])) {
      continue;
    }
    if (!object_ids.empty() && !object_ids.count(entry["assigned_object_id"].get<std::int64_t>())) {
      continue;
    }
    if (!ids.empty() && !ids.count(entry["id"].get<std::int64_t>())) {
      continue;
    }
    if (!kinds.empty() && !contains(kinds, entry["kind"])) {
      continue;
    }
    const auto created = parse_iso8601_micros(entry["created"].get<std::string>());
    if (after && created < after) {
      continue;
    }
    if (before && created > before) {
      continue;
    }
    matching.push_back(&entry);
  }
  const PageRequest page = page_request(request);
  json results = json::array();
  for (std::size_t i = page.offset; i < matching.size() && i < page.offset + page.limit; ++i) {
    results.push_back(journal_entry_json(*matching[i], m_fleet, base));
  }
  return {200, page_json(request, base, matching.size(), std::move(results), page)};
}

NetboxApi::Reply NetboxApi::create_journal(const json& body, const std::string& base) {
  const bool many = body.is_array();
  const json items = many ? body : json::array({body});
  json all_errors = json::array();
  bool failed = false;
  for (const auto& item : items) {
    json errors = json::object();
    if (!item.is_object()) {
      errors["non_field_errors"] =
          json::array({"Invalid data. Expected a dictionary, but got " + std::string(item.type_name()) + "."});
    } else {
      for (const char* key : {"assigned_object_type", "assigned_object_id", "comments"}) {
        if (!item.contains(key)) {
          errors[key] = json::array({"This field is required."});
        }
      }
      if (item.contains("comments") && (!item["comments"].is_string() || item["comments"].get<std::string>().empty())) {
        errors["comments"] = json::array({"This field may not be blank."});
      }
      if (item.contains("kind") && (!item["kind"].is_string() || !contains(k_journal_kinds, item["kind"]))) {
        errors["kind"] = json::array({"\"" + scalar_text(item["kind"]) + "\" is not a valid choice."});
      }
      if (errors.empty()) {
        const std::string type =
            item["assigned_object_type"].is_string() ? item["assigned_object_type"].get<std::string>() : "";
        const auto id =
            item["assigned_object_id"].is_number_integer() ? item["assigned_object_id"].get<std::int64_t>() : -1;
        if (type != "dcim.device" || m_fleet.find(id) == nullptr) {
          errors["non_field_errors"] =
              json::array({"Invalid assigned_object: " + scalar_text(item["assigned_object_type"]) + " ID " +
                           scalar_text(item["assigned_object_id"])});
        }
      }
    }
    failed = failed || !errors.empty();
    all_errors.push_back(errors);
  }
  if (failed) {
    return {400, many ? all_errors : all_errors[0]};
  }
  json created = json::array();
  for (const auto& item : items) {
    json entry = {{"id", m_next_journal_id++},
                  {"assigned_object_type", item["assigned_object_type"]},
                  {"assigned_object_id", item["assigned_object_id"]},
                  {"kind", item.value("kind", "info")},
                  {"comments", item["comments"]}};
    entry["created"] = entry["last_updated"] = utc_now_iso();
    m_journal.push_back(entry);
    created.push_back(journal_entry_json(entry, m_fleet, base));
  }
  m_dirty = true;
  return {201, many ? created : created[0]};
}

NetboxApi::Reply NetboxApi::list_platforms(const httplib::Request& request, const std::string& base) {
  const auto slugs = param_values(request, "slug");
  std::vector<long> counts(m_fleet.platforms().size(), 0);
  for (const auto& device : m_fleet.devices()) {
    if (device.platform) {
      ++counts[static_cast<std::size_t>(*device.platform)];
    }
  }
  std::vector<int> matching;
  for (std::size_t i = 0; i < m_fleet.platforms().size(); ++i) {
    if (slugs.empty() || contains(slugs, m_fleet.platforms()[i].slug)) {
      matching.push_back(static_cast<int>(i));
    }
  }
  const PageRequest page = page_request(request);
  json results = json::array();
  for (std::size_t i = page.offset; i < matching.size() && i < page.offset + page.limit; ++i) {
    results.push_back(platform_json(m_fleet, matching[i], counts[static_cast<std::size_t>(matching[i])], base));
  }
  return {200, page_json(request, base, matching.size(), std::move(results), page)};
}

NetboxApi::Reply NetboxApi::list_roles(const httplib::Request& request, const std::string& base) {
  std::vector<long> counts(m_fleet.roles().size(), 0);
  for (const auto& device : m_fleet.devices()) {
    ++counts[static_cast<std::size_t>(device.role)];
  }
  const PageRequest page = page_request(request);
  json results = json::array();
  for (std::size_t i = page.offset; i < counts.size() && i < page.offset + page.limit; ++i) {
    results.push_back(role_json(m_fleet, static_cast<int>(i), counts[i], base));
  }
  return {200, page_json(request, base, counts.size(), std::move(results), page)};
}

// GET /api/dcim/sites/: `slug` and `region` (a region and every region below it, as
// NetBox's tree filter does; slug or region_id) filter; `brief` gives the short form.
NetboxApi::Reply NetboxApi::list_sites(const httplib::Request& request, const std::string& base) {
  json errors = json::object();
  bool any = false;
  std::set<int> regions;
  resolve_choices(request, "region", m_fleet.regions(), regions, errors, any);
  if (!errors.empty()) {
    return {400, errors};
  }
  const auto slugs = param_values(request, "slug");
  std::vector<long> counts(m_fleet.sites().size(), 0);
  for (const auto& device : m_fleet.devices()) {
    ++counts[static_cast<std::size_t>(device.site)];
  }
  auto in_regions = [&](int site) {
    return regions.empty() || std::any_of(regions.begin(), regions.end(), [&](int region) {
             return m_fleet.region_within(m_fleet.site_region(site), region);
           });
  };
  std::vector<int> matching;
  for (std::size_t i = 0; i < m_fleet.sites().size(); ++i) {
    if ((slugs.empty() || contains(slugs, m_fleet.sites()[i].slug)) && in_regions(static_cast<int>(i))) {
      matching.push_back(static_cast<int>(i));
    }
  }
  const bool brief = request.has_param("brief") && !request.get_param_value("brief").empty();
  const PageRequest page = page_request(request);
  json results = json::array();
  for (std::size_t i = page.offset; i < matching.size() && i < page.offset + page.limit; ++i) {
    const int site = matching[i];
    results.push_back(site_json(m_fleet, site, counts[static_cast<std::size_t>(site)], base, brief));
  }
  return {200, page_json(request, base, matching.size(), std::move(results), page)};
}

// GET /api/dcim/regions/: `slug` and `parent` (slug or parent_id) filter.
NetboxApi::Reply NetboxApi::list_regions(const httplib::Request& request, const std::string& base) {
  json errors = json::object();
  bool any = false;
  std::set<int> parents;
  resolve_choices(request, "parent", m_fleet.regions(), parents, errors, any);
  if (!errors.empty()) {
    return {400, errors};
  }
  const auto slugs = param_values(request, "slug");
  const int count = static_cast<int>(m_fleet.regions().size());
  std::vector<int> matching;
  for (int region = 0; region < count; ++region) {
    const auto parent = m_fleet.region_parent(region);
    if ((slugs.empty() || contains(slugs, m_fleet.regions()[static_cast<std::size_t>(region)].slug)) &&
        (parents.empty() || (parent && parents.count(*parent) > 0))) {
      matching.push_back(region);
    }
  }
  const PageRequest page = page_request(request);
  json results = json::array();
  for (std::size_t i = page.offset; i < matching.size() && i < page.offset + page.limit; ++i) {
    long sites = 0;
    for (std::size_t site = 0; site < m_fleet.sites().size(); ++site) {
      sites += m_fleet.region_within(m_fleet.site_region(static_cast<int>(site)), matching[i]) ? 1 : 0;
    }
    results.push_back(region_json(m_fleet, matching[i], sites, base));
  }
  return {200, page_json(request, base, matching.size(), std::move(results), page)};
}

NetboxApi::Reply NetboxApi::lab_change_device(std::int64_t id, const json& body, const std::string& base) {
  LabDevice* device = m_fleet.find(id);
  if (device == nullptr) {
    return {404, {{"detail", "no device " + std::to_string(id)}}};
  }
  if (!body.is_object()) {
    return {400, {{"detail", "expected a JSON object of fields to change"}}};
  }
  auto index_of = [&](const std::vector<Choice>& choices, const json& slug) -> std::optional<int> {
    for (std::size_t i = 0; i < choices.size(); ++i) {
      if (slug.is_string() && choices[i].slug == slug.get<std::string>()) {
        return static_cast<int>(i);
      }
    }
    return std::nullopt;
  };
  LabDevice changed = *device;
  for (const auto& [key, value] : body.items()) {
    if (key == "name") {
      changed.name = value.is_null() ? std::nullopt : std::optional<std::string>(value.get<std::string>());
    } else if (key == "status") {
      if (!value.is_string() || !contains(k_statuses, value)) {
        return {400, {{"detail", "status: unknown value"}}};
      }
      changed.status = value;
    } else if (key == "site" || key == "role" || key == "platform" || key == "tenant") {
      const auto& choices = key == "site"       ? m_fleet.sites()
                            : key == "role"     ? m_fleet.roles()
                            : key == "platform" ? m_fleet.platforms()
                                                : m_fleet.tenants();
      const auto index = index_of(choices, value);
      if (!index && !(value.is_null() && (key == "platform" || key == "tenant"))) {
        return {400, {{"detail", key + ": unknown slug " + scalar_text(value)}}};
      }
      if (key == "site") {
        changed.site = *index;
      }
      if (key == "role") {
        changed.role = *index;
      }
      if (key == "platform") {
        changed.platform = index;
      }
      if (key == "tenant") {
        changed.tenant = index;
      }
    } else if (key == "tags") {
      changed.tags.clear();
      for (const auto& slug : value) {
        const auto index = index_of(m_fleet.tags(), slug);
        if (!index) {
          return {400, {{"detail", "tags: unknown slug " + scalar_text(slug)}}};
        }
        changed.tags.push_back(*index);
      }
    } else if (key == "primary_ip4") {
      if (value.is_null()) {
        changed.ipv4 = 0;
      } else {
        const std::string text = value.is_string() ? value.get<std::string>() : "";
        unsigned a = 0, b = 0, c = 0, d = 0;
        if (std::sscanf(text.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d) != 4 || a != 127 || b > 255 || c > 255 ||
            d > 255 || (b == 0 && c == 0 && d == 1)) {
          return {400, {{"detail", "primary_ip4: expected an address in 127.0.0.0/8 other than 127.0.0.1"}}};
        }
        changed.ipv4 = (a << 24) | (b << 16) | (c << 8) | d;
      }
    } else if (key == "description" || key == "comments" || key == "serial") {
      (key == "description" ? changed.description
       : key == "comments"  ? changed.comments
                            : changed.serial) = value.get<std::string>();
    } else {
      return {400,
              {{"detail", "unknown field " + key +
                              " (expected name, status, site, role, platform, tenant, tags, primary_ip4, description, "
                              "comments, serial)"}}};
    }
  }
  if (changed.site != device->site) {
    apply_site_fields(changed);
  }
  changed.last_updated = utc_now_iso();
  if (on_device_changed) {
    if (const std::string problem = on_device_changed(changed); !problem.empty()) {
      return {400, {{"detail", problem}}};
    }
  }
  *device = changed;
  touch(id);
  return {200, render_device(*device, base)};
}

NetboxApi::Reply NetboxApi::lab_add_device(const json& body, const std::string& base) {
  if (!body.is_object()) {
    return {400, {{"detail", "expected a JSON object (may be empty) of fields for the new device"}}};
  }
  LabDevice& device = m_fleet.add();
  device.ipv4 = lab_address(device.id - 1);  // a new device is always reachable unless told otherwise
  apply_site_fields(device);
  device.ip_id = device.id;
  const std::int64_t id = device.id;
  touch(id);
  if (!body.empty()) {
    Reply changed = lab_change_device(id, body, base);
    if (changed.status != 200) {
      m_fleet.remove(id);
      m_touched.erase(id);
      return changed;
    }
    return {201, changed.body};  // lab_change_device already told the SSH side
  }
  if (on_device_changed) {
    if (const std::string problem = on_device_changed(*m_fleet.find(id)); !problem.empty()) {
      m_fleet.remove(id);
      m_touched.erase(id);
      return {400, {{"detail", problem}}};
    }
  }
  return {201, render_device(*m_fleet.find(id), base)};
}

void NetboxApi::register_routes(httplib::Server& server) {
  // Every /api/ request: counted, then a queued fault, then NetBox's token check.
  server.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
    t_fault.reset();
    t_user = nullptr;
    if (!request.path.starts_with("/api/")) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    m_counters.count(request.method, request.path);
    // Before 4.3.5 NetBox sends API-Version only when the request says Content-Type: application/json.
    if (m_release.api_version_always() ||
        request.get_header_value("Content-Type").find("application/json") != std::string::npos) {
      response.set_header("API-Version", m_release.api_version());
    }
    if (auto fault = m_faults.take(request.method, request.path)) {
      if (fault->kind == ApiFaultKind::status) {
        if (!has_body(request)) {
          answer_status_fault(*fault, response);
          return httplib::Server::HandlerResponse::Handled;
        }
        // Answered once httplib has read the body (handle() or the post-routing handler):
        // answering now would leave the body unread on a kept-alive connection, to be
        // taken for the next request.
        t_fault = fault;
        return httplib::Server::HandlerResponse::Unhandled;
      }
      if (fault->kind == ApiFaultKind::stall) {
        std::this_thread::sleep_for(std::chrono::duration<double>(fault->stall_seconds));
      } else {
        t_fault = fault;
      }
    }
    const AuthResult auth = authenticate(request.get_header_value("Authorization"), m_tokens, m_release);
    std::string detail = auth.refusal;
    t_user = auth.user;
    if (t_user != nullptr && !permits(*t_user, request.method, request.path)) {
      detail = "You do not have permission to perform this action.";
    }
    if (!detail.empty()) {
      t_fault.reset();
      send(response, 403, {{"detail", detail}});
      return httplib::Server::HandlerResponse::Handled;
    }
    const std::string accept = request.get_header_value("Accept");
    if (const auto at = accept.find("version="); at != std::string::npos) {
      const std::string version = accept.substr(at + 8, accept.find_first_of(";, ", at + 8) - (at + 8));
      if (version != m_release.api_version()) {
        send(response, 406, {{"detail", "Invalid version in \"Accept\" header."}});
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    if (request.method == "POST" || request.method == "PATCH" || request.method == "PUT") {
      const std::string type = request.get_header_value("Content-Type");
      if (type.find("application/json") == std::string::npos) {
        send(response, 415, {{"detail", "Unsupported media type \"" + type + "\" in request."}});
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // Faults that spoil a real answer are applied once it exists (broken_next in handle()).
  // httplib has already compressed the body and set Content-Length by now, so every
  // branch sets them again itself.
  server.set_post_routing_handler([](const httplib::Request&, httplib::Response& response) {
    if (t_fault && t_fault->kind == ApiFaultKind::status) {  // a route that does not go through handle()
      answer_status_fault(*t_fault, response);
      t_fault.reset();
      return;
    }
    if (t_fault && t_fault->kind == ApiFaultKind::late) {
      const double seconds = t_fault->stall_seconds;
      t_fault.reset();
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));  // applied; the answer comes late
      return;
    }
    if (!t_fault || response.status != 200 || t_fault->kind == ApiFaultKind::broken_next) {
      return;
    }
    const ApiFault fault = *t_fault;
    t_fault.reset();
    auto replace_body = [&response](std::string body) {
      response.headers.erase("Content-Encoding");  // the real body may have been compressed
      response.headers.erase("Content-Length");
      response.set_header("Content-Length", std::to_string(body.size()));
      response.body = std::move(body);
    };
    if (fault.kind == ApiFaultKind::malformed_json) {
      replace_body(R"({"count": 3, "next": null, "previous": null, "results": [{"id": 1, "name": "r1",, )");
    } else if (fault.kind == ApiFaultKind::cut_body) {
      // Keep the announced Content-Length, send half of the body, then make httplib drop
      // the connection (a content provider that gives up closes it).
      auto body = std::make_shared<std::string>(std::move(response.body));
      response.body.clear();
      const std::string type = response.get_header_value("Content-Type");
      response.headers.erase("Content-Type");
      response.set_content_provider(body->size(), type,
                                    [body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                      const std::size_t half = body->size() / 2;
                                      if (offset < half) {
                                        sink.write(body->data() + offset, half - offset);
                                        return true;
                                      }
                                      return false;
                                    });
    }
  });

  auto parse_body = [](const httplib::Request& request, json& body) -> std::optional<json> {
    body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
      return json{{"detail", "JSON parse error - Expecting value: line 1 column 1 (char 0)"}};
    }
    return std::nullopt;
  };
  auto with_body = [this, parse_body](auto method) {
    return [this, parse_body, method](const httplib::Request& request, httplib::Response& response) {
      json body;
      if (auto error = parse_body(request, body)) {
        send(response, 400, *error);
        return;
      }
      handle(request, response, [&](const std::string& base) { return method(request, body, base); });
    };
  };
  auto not_allowed = [](const httplib::Request& request, httplib::Response& response) {
    send(response, 405, {{"detail", "Method \"" + request.method + "\" not allowed."}});
  };

  server.Get("/api/", [this](const httplib::Request& request, httplib::Response& response) {
    const std::string base = base_url(request) + "/api/";
    json apps = json::object();
    for (const char* app : {"circuits", "core", "dcim", "extras", "ipam", "plugins", "status", "tenancy", "users",
                            "virtualization", "vpn", "wireless"}) {
      apps[app] = base + app + "/";
    }
    send(response, 200, apps);
  });
  server.Get("/api/status/", [this](const httplib::Request&, httplib::Response& response) {
    send(response, 200, m_release.status_body());
  });

  server.Get("/api/users/config/", [](const httplib::Request&, httplib::Response& response) {
    send(response, 200, json::object());  // the user's UserConfig data; the lab's users never set any
  });
  server.Get("/api/dcim/devices/", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string& base) { return list_devices(request, base); });
  });
  server.Patch("/api/dcim/devices/",
               with_body([this](const httplib::Request& request, const json& body, const std::string& base) {
                 return bulk_patch_devices(body, base, render_options(&request));
               }));
  server.Get(R"(/api/dcim/devices/(\d+)/)", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string& base) -> Reply {
      const LabDevice* device = m_fleet.find(std::stoll(request.matches[1]));
      if (device == nullptr || (t_user != nullptr && !may_view(*t_user, *device))) {
        return {404, {{"detail", "No Device matches the given query."}}};
      }
      Reply reply{200, device_json(m_fleet, *device, base, device_fields(), render_options(&request))};
      if (m_release.etag()) {
        reply.headers.emplace_back("ETag", device_etag(*device));
      }
      return reply;
    });
  });
  server.Patch(R"(/api/dcim/devices/(\d+)/)",
               with_body([this](const httplib::Request& request, const json& body, const std::string& base) {
                 return patch_device(std::stoll(request.matches[1]), body, base, render_options(&request),
                                     request.get_header_value("If-Match"));
               }));
  server.Get("/api/dcim/platforms/", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string& base) { return list_platforms(request, base); });
  });
  server.Get("/api/dcim/device-roles/", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string& base) { return list_roles(request, base); });
  });
  server.Get("/api/dcim/sites/", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string& base) { return list_sites(request, base); });
  });
  server.Get("/api/dcim/regions/", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string& base) { return list_regions(request, base); });
  });
  server.Get("/api/extras/custom-fields/", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string& base) { return list_custom_fields(request, base); });
  });
  server.Post("/api/extras/custom-fields/",
              with_body([this](const httplib::Request&, const json& body, const std::string& base) {
                return create_versioned(body, [&](const json& b) { return create_custom_field(b, base); });
              }));
  server.Get("/api/extras/custom-links/", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string& base) { return list_custom_links(request, base); });
  });
  server.Post("/api/extras/custom-links/",
              with_body([this](const httplib::Request&, const json& body, const std::string& base) {
                return create_versioned(body, [&](const json& b) { return create_custom_link(b, base); });
              }));
  server.Get("/api/extras/journal-entries/", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string& base) { return list_journal(request, base); });
  });
  server.Post("/api/extras/journal-entries/",
              with_body([this](const httplib::Request&, const json& body, const std::string& base) {
                return create_journal(body, base);
              }));
  server.Get("/api/extras/webhooks/", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string& base) -> Reply {
      auto [status, body] = m_event_rules.list_webhooks(request, base);
      return {status, std::move(body)};
    });
  });
  server.Post("/api/extras/webhooks/",
              with_body([this](const httplib::Request&, const json& body, const std::string& base) -> Reply {
                auto [status, answer] = m_event_rules.create_webhook(body, base);
                return {status, std::move(answer)};
              }));
  server.Get("/api/extras/event-rules/", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string& base) -> Reply {
      auto [status, body] = m_event_rules.list_event_rules(request, base);
      if (status == 200 && m_release.content_types()) {
        for (auto& rule : body["results"]) {
          rule = versioned(std::move(rule));
        }
      }
      return {status, std::move(body)};
    });
  });
  server.Post("/api/extras/event-rules/",
              with_body([this](const httplib::Request&, const json& body, const std::string& base) {
                return create_event_rule_versioned(body, base);
              }));
  server.Post(R"(/api/dcim/devices/(\d+)/render-config/)",
              with_body([this](const httplib::Request& request, const json&, const std::string& base) {
                const LabDevice* device = m_fleet.find(std::stoll(request.matches[1]));
                const bool visible = device != nullptr && (t_user == nullptr || may_view(*t_user, *device));
                return render_config(visible ? device : nullptr, base);
              }));
  server.Get("/api/extras/config-templates/", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string& base) -> Reply {
      return {200, config_templates_page(m_fleet, base)};
    });
  });
  server.Get(R"(/lab/devices/(\d+)/drift)", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string&) { return lab_device_drift(std::stoll(request.matches[1])); });
  });
  server.Post(R"(/lab/devices/(\d+)/drift)",
              with_body([this](const httplib::Request& request, const json& body, const std::string&) {
                return lab_set_device_drift(std::stoll(request.matches[1]), body);
              }));
  m_webhooks.register_routes(server);
  for (const char* path :
       {"/api/dcim/devices/", "/api/extras/custom-fields/", "/api/extras/custom-links/", "/api/extras/journal-entries/",
        "/api/dcim/platforms/", "/api/dcim/sites/", "/api/dcim/regions/", "/api/status/", "/api/"}) {
    server.Put(path, not_allowed);
    server.Delete(path, not_allowed);
    if (std::string(path) != "/api/dcim/devices/") {
      server.Patch(path, not_allowed);
    }
    if (std::string(path) == "/api/dcim/devices/" || std::string(path) == "/api/dcim/platforms/" ||
        std::string(path) == "/api/dcim/sites/" || std::string(path) == "/api/dcim/regions/" ||
        std::string(path) == "/api/status/" || std::string(path) == "/api/") {
      server.Post(path, not_allowed);
    }
  }

  // --- /lab/: control endpoints for tests (not part of NetBox) ---
  server.Post("/lab/devices", with_body([this](const httplib::Request&, const json& body, const std::string& base) {
                return lab_add_device(body, base);
              }));
  server.Patch(R"(/lab/devices/(\d+))",
               with_body([this](const httplib::Request& request, const json& body, const std::string& base) {
                 return lab_change_device(std::stoll(request.matches[1]), body, base);
               }));
  server.Delete(R"(/lab/devices/(\d+))", [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response, [&](const std::string&) -> Reply {
      const std::int64_t id = std::stoll(request.matches[1]);
      if (!m_fleet.remove(id)) {
        return {404, {{"detail", "no device " + std::to_string(id)}}};
      }
      m_touched.erase(id);
      m_removed.insert(id);
      m_dirty = true;
      if (on_device_removed) {
        on_device_removed(id);
      }
      return {204, nullptr};
    });
  });
  server.Post("/lab/faults", [this](const httplib::Request& request, httplib::Response& response) {
    try {
      m_faults.add(parse_api_fault(json::parse(request.body)));
      send(response, 201, {{"pending", m_faults.describe()}});
    } catch (const std::exception& e) {
      send(response, 400, {{"detail", e.what()}});
    }
  });
  server.Get("/lab/faults", [this](const httplib::Request&, httplib::Response& response) {
    send(response, 200, {{"pending", m_faults.describe()}});
  });
  server.Delete("/lab/faults", [this](const httplib::Request&, httplib::Response& response) {
    m_faults.clear();
    response.status = 204;
  });
  server.Get("/lab/counters", [this](const httplib::Request& request, httplib::Response& response) {
    json counters = m_counters.snapshot();
    counters["listed_config_contexts"] = m_listed_config_contexts.load();
    if (ssh_counters) {
      counters["ssh"] = ssh_counters(request.get_param_value("by_device") == "1");
    }
    send(response, 200, counters);
  });
  server.Delete("/lab/counters", [this](const httplib::Request&, httplib::Response& response) {
    m_counters.reset();
    m_listed_config_contexts = 0;
    if (reset_ssh_counters) {
      reset_ssh_counters();
    }
    response.status = 204;
  });

  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& request, httplib::Response& response) {
        if (response.status == 404 && response.body.empty()) {
          if (request.path.starts_with("/lab/")) {
            send(response, 404, {{"detail", "unknown lab endpoint " + request.method + " " + request.path}});
          } else {
            response.set_content(k_not_found_page, "text/html; charset=utf-8");
          }
          return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
      }));
}

}  // namespace nbsync::lab
