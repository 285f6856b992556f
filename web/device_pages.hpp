#pragma once
// The device pages as HTML: the device (status, last error, host-key state, a link to it in
// NetBox, every version with its compliance results, a form to pick two versions to
// compare), one version's text, and the diff between two versions, unified or side by side
// (a link on the page switches). Every value from the database is escaped (web/html.hpp).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "storage/compliance_hooks.hpp"
#include "storage/config_history.hpp"
#include "storage/device_status.hpp"
#include "web/history_source.hpp"
#include "web/html.hpp"

namespace nbsync::web {

// `netbox_url` (NetBox's base URL) makes the link back to the device in NetBox;
// `actions_html` (the "Back up now" form) ends the page, after the versions.
std::string device_page(const PageFrame& frame, const storage::DeviceStatus& device,
                        const std::vector<storage::ConfigVersion>& versions, const DeviceDetails& details,
                        const std::string& netbox_url, const std::string& actions_html = "");
std::string version_page(const PageFrame& frame, const storage::DeviceStatus& device,
                         const storage::ConfigVersion& version, const std::string& text);
enum class DiffLayout { unified, side_by_side };
std::string diff_page(const PageFrame& frame, const storage::DeviceStatus& device, const storage::ConfigDiff& diff,
                      DiffLayout layout);

// The failed ones of `checks` as a list (rule, severity, problems); "" when none failed.
std::string failed_rules_html(const std::vector<storage::ComplianceCheck>& checks);

// "2026-12-04 17:03:12 UTC"
std::string format_time(std::int64_t unix_seconds);
// A file name for a downloaded version: the device name's safe characters, "-v", the number.
std::string download_name(const storage::DeviceStatus& device, std::int64_t number);

}  // namespace nbsync::web
