#include "notify/backup_now_report.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "http/http_client.hpp"
#include "types/device_label.hpp"

namespace nbsync::notify {
namespace {

using json = nlohmann::json;

class DeviceWrites {
public:
  DeviceWrites(const inventory::NetboxEndpoint& netbox, const BackupNowRequest& request)
      : m_netbox(netbox),
        m_request(request),
        m_http(inventory::netbox_client_options(netbox)),
        // NetBox answers the GET and the PATCH with the device; without its config context
        // it computes none.
        m_path("/api/dcim/devices/" + std::to_string(request.device_id) + "/?exclude=config_context"),
        m_label(device_label(request.device_name, request.device_id)) {}

  void clear_trigger() {
    json patch;
    if (m_request.trigger == BackupNowTrigger::custom_field) {
      patch = {{"custom_fields", {{k_backup_now_field, false}}}};
    } else {
      const auto device = call("GET", m_path, "", "reading its tags");
      if (!device) {
        return;
      }
      json tags = json::array();
      for (const auto& tag : device->value("tags", json::array())) {
        if (tag.is_object() && tag.value("slug", "") != k_backup_now_tag) {
          tags.push_back({{"name", tag.value("name", "")}, {"slug", tag.value("slug", "")}});
        }
      }
      patch = {{"tags", tags}};
    }
    call("PATCH", m_path, patch.dump(), std::string("clearing its ") + to_string(m_request.trigger));
  }

  void write_journal(const BackupNowOutcome& outcome) {
    const json entry = {{"assigned_object_type", "dcim.device"},
                        {"assigned_object_id", m_request.device_id},
                        {"kind", outcome.ok ? "success" : "warning"},
                        {"comments", backup_now_journal_text(m_request, outcome)}};
    call("POST", "/api/extras/journal-entries/", entry.dump(), "writing the journal entry of its backup");
  }

private:
  std::optional<json> call(const std::string& method, const std::string& path, std::string body,
                           const std::string& what) {
    const auto response = m_http.send(inventory::netbox_request(m_netbox, method, path, std::move(body)));
    if (!response.ok()) {
      spdlog::warn("backup now: {}: {} in NetBox failed: {}", m_label, what, inventory::netbox_failure(response));
      return std::nullopt;
    }
    json parsed = json::parse(response.body, nullptr, false);
    return parsed.is_discarded() ? json::object() : parsed;
  }

  const inventory::NetboxEndpoint& m_netbox;
  const BackupNowRequest& m_request;
  http::HttpClient m_http;
  std::string m_path;
  std::string m_label;
};

}  // namespace

std::string backup_now_journal_text(const BackupNowRequest& request, const BackupNowOutcome& outcome) {
  const std::string who = request.username.empty() ? std::string("an unnamed NetBox user") : request.username;
  return "Back up now, asked by " + who + " (" + to_string(request.trigger) + "): " + outcome.text + ".";
}

void report_backup_now(const inventory::NetboxEndpoint& netbox, const BackupNowRequest& request,
                       const BackupNowOutcome& outcome) {
  DeviceWrites writes(netbox, request);
  writes.clear_trigger();
  writes.write_journal(outcome);
}

}  // namespace nbsync::notify
