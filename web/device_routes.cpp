// The Viewer's device routes: a device, a version, a download and a diff, as HTML and JSON.
#include <spdlog/spdlog.h>

#include <charconv>

#include "web/backup_now_form.hpp"
#include "web/device_json.hpp"
#include "web/device_pages.hpp"
#include "web/viewer.hpp"

namespace nbsync::web {
namespace {

constexpr const char* k_html = "text/html; charset=utf-8";

std::optional<std::int64_t> number(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < 1) {
    return std::nullopt;
  }
  return value;
}

std::string not_visible(std::int64_t id) {
  return "No device " + std::to_string(id) + " here, or NetBox does not let your token see it.";
}

}  // namespace

std::optional<Viewer::Caller> Viewer::signed_in_caller(const httplib::Request& request, httplib::Response& response,
                                                       Kind kind) {
  auto signed_in = caller(request);
  if (!signed_in) {
    if (kind == Kind::api) {
      refuse(request, response, kind, 401, "Sign in first (POST your NetBox token to /sign-in).");
    } else {
      response.set_redirect(m_prefix + "/sign-in?next=" + percent_encode(request.target), 303);
    }
  }
  return signed_in;
}

std::optional<storage::DeviceStatus> Viewer::visible_device(const httplib::Request& request,
                                                            httplib::Response& response, Kind kind) {
  const auto signed_in = signed_in_caller(request, response, kind);
  if (!signed_in) {
    return std::nullopt;
  }
  const auto id = number(request.matches[1]);
  if (!id) {
    refuse(request, response, kind, 404, "No such device.");
    return std::nullopt;
  }
  const auto now = Clock::now();
  std::optional<bool> visible = m_sessions.cached_permission(signed_in->session_id, *id, now);
  if (!visible) {
    const NetboxAnswer answer = m_netbox.may_see_device(signed_in->token, *id);
    if (answer == NetboxAnswer::unreachable) {
      refuse(request, response, kind, 503, "NetBox could not be asked whether you may see this device; try again.");
      return std::nullopt;
    }
    visible = answer == NetboxAnswer::yes;
    m_sessions.remember_permission(signed_in->session_id, *id, *visible, now);
  }
  auto device = *visible ? m_history.device(*id) : std::nullopt;
  if (!device) {
    refuse(request, response, kind, 404, not_visible(*id));
  }
  return device;
}

void Viewer::device(const httplib::Request& request, httplib::Response& response, Kind kind) {
  const auto device = visible_device(request, response, kind);
  if (!device) {
    return;
  }
  const auto versions = m_history.versions(device->device.id);
  const DeviceDetails details = m_history.details(device->device.id);
  if (kind == Kind::api) {
    nlohmann::json body = {{"device", device_json(*device)},
                           {"versions", versions_json(versions, &details)},
                           {"host_keys", host_keys_json(details.host_keys)}};
    if (!m_settings.netbox.url.empty()) {
      body["netbox_url"] = m_settings.netbox.url + "/dcim/devices/" + std::to_string(device->device.id) + "/";
    }
    response.set_content(body.dump(), "application/json");
    return;
  }
  const auto signed_in = caller(request);
  const std::string button =
      signed_in ? backup_now_form(frame(true), device->device.id, m_sessions.form_token(signed_in->session_id)) : "";
  response.set_content(device_page(frame(true), *device, versions, details, m_settings.netbox.url, button), k_html);
}

void Viewer::version(const httplib::Request& request, httplib::Response& response, Kind kind) {
  const auto device = visible_device(request, response, kind);
  if (!device) {
    return;
  }
  const auto wanted = number(request.matches[2]);
  const auto found = wanted ? m_history.version_text(device->device.id, *wanted) : std::nullopt;
  if (!found) {
    return refuse(request, response, kind, 404, device->device.name + " has no version " + request.matches[2].str());
  }
  if (kind == Kind::api) {
    const nlohmann::json body = {
        {"device", device_json(*device)}, {"version", version_json(found->version)}, {"text", found->text}};
    response.set_content(body.dump(), "application/json");
    return;
  }
  response.set_content(version_page(frame(true), *device, found->version, found->text), k_html);
}

void Viewer::download(const httplib::Request& request, httplib::Response& response) {
  const auto device = visible_device(request, response, Kind::html);
  if (!device) {
    return;
  }
  const auto wanted = number(request.matches[2]);
  const auto found = wanted ? m_history.version_text(device->device.id, *wanted) : std::nullopt;
  if (!found) {
    return refuse(request, response, Kind::html, 404,
                  device->device.name + " has no version " + request.matches[2].str());
  }
  response.set_header("Content-Disposition",
                      "attachment; filename=\"" + download_name(*device, found->version.number) + "\"");
  response.set_content(found->text, "text/plain; charset=utf-8");
}

void Viewer::diff(const httplib::Request& request, httplib::Response& response, Kind kind) {
  const auto device = visible_device(request, response, kind);
  if (!device) {
    return;
  }
  const auto versions = m_history.versions(device->device.id);
  const std::int64_t latest = versions.empty() ? 0 : versions.back().number;
  const auto from = request.has_param("from") ? number(request.get_param_value("from")) : latest - 1;
  const auto to = request.has_param("to") ? number(request.get_param_value("to")) : latest;
  const auto found = from && to ? m_history.diff(device->device.id, *from, *to) : std::nullopt;
  if (!found) {
    return refuse(request, response, kind, 404,
                  device->device.name + " has " + std::to_string(latest) +
                      " stored versions; from and to must name two of them (1 to " + std::to_string(latest) + ")");
  }
  if (kind == Kind::api) {
    nlohmann::json body = diff_json(*found);
    body["device"] = device_json(*device);
    response.set_content(body.dump(), "application/json");
    return;
  }
  const std::string view = request.get_param_value("view");
  if (view != "" && view != "unified" && view != "split") {
    return refuse(request, response, kind, 400, "view must be unified or split, not \"" + view + "\"");
  }
  const DiffLayout layout = view == "split" ? DiffLayout::side_by_side : DiffLayout::unified;
  response.set_content(diff_page(frame(true), *device, *found, layout), k_html);
}

}  // namespace nbsync::web
