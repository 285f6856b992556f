#include "web/device_pages.hpp"

#include <nlohmann/json.hpp>

#include <cctype>

#include "web/side_by_side.hpp"
#include "web/utc_time.hpp"

namespace nbsync::web {
namespace {

std::string device_link(const PageFrame& frame, const storage::DeviceStatus& device) {
  return escape_html(frame.prefix) + "/devices/" + std::to_string(device.device.id);
}

std::string optional_time(const std::optional<std::int64_t>& at) {
  return at ? format_time(*at) : "never";
}

std::string state_rows(const storage::DeviceStatus& device) {
  std::string rows;
  const auto row = [&rows](std::string_view term, const std::string& value_html) {
    rows.append("<dt>").append(term).append("</dt><dd>").append(value_html).append("</dd>\n");
  };
  row("NetBox id", std::to_string(device.device.id));
  row("Site", escape_html(device.device.site));
  row("Platform", escape_html(device.platform));
  if (device.device.retired) {
    row("In NetBox", "no longer listed (retired)");
  }
  if (device.outcome.empty()) {
    row("Backup", "not attempted yet");
  } else if (device.outcome == "ok") {
    row("Backup", "ok");
  } else {
    row("Backup", "<span class=\"error\">" + escape_html(device.outcome) + "</span> since " +
                      optional_time(device.failing_since));
    row("Last error", escape_html(device.message));
  }
  row("Last success", optional_time(device.last_success_at));
  row("Last change", optional_time(device.last_change_at));
  return rows;
}

std::string host_key_rows(const storage::DeviceStatus& device, const storage::HostKeyState& keys) {
  const auto sighting = [](const storage::HostKeySighting& seen) {
    return "<code>" + escape_html(seen.key.fingerprint) + "</code> (" + escape_html(seen.key.type) + "), first seen " +
           format_time(seen.first_seen) + ", last seen " + format_time(seen.last_seen);
  };
  std::string rows = "<dt>Host key</dt><dd>" + (keys.trusted ? sighting(*keys.trusted) : "none stored yet") + "</dd>\n";
  if (keys.pending) {
    rows.append("<dt>Changed host key</dt><dd><span class=\"error\">pending: refused until accepted</span>, ");
    rows.append(sighting(*keys.pending)).append(". After checking it on the device: <code>nbsync hostkey accept ");
    rows.append(std::to_string(device.device.id)).append(" --fingerprint ");
    rows.append(escape_html(keys.pending->key.fingerprint)).append("</code></dd>\n");
  }
  return rows;
}

// "pass (N rules)", or the failed rules; "" when not checked.
std::string compliance_cell(const std::vector<storage::ComplianceCheck>* checks) {
  if (checks == nullptr || checks->empty()) {
    return "";
  }
  const std::string failed = failed_rules_html(*checks);
  return failed.empty() ? "pass (" + std::to_string(checks->size()) + " rules)" : failed;
}

// "in sync", "N lines differ (M missing, E extra)" or "no template".
std::string drift_cell(const storage::DriftVerdict& verdict) {
  if (verdict.status != "differs") {
    return verdict.status == "in_sync" ? "in sync" : "no template";
  }
  return "<span class=\"error\">" + std::to_string(verdict.missing + verdict.extra) + " lines differ</span> (" +
         std::to_string(verdict.missing) + " missing, " + std::to_string(verdict.extra) + " extra)";
}

// The lines of the newest check that found drift, each under its section.
std::string drift_lines(const DeviceDetails& details) {
  if (details.drift.empty() || details.drift.rbegin()->second.verdict.status != "differs") {
    return "";
  }
  const storage::StoredDrift& newest = details.drift.rbegin()->second;
  const auto lines = nlohmann::json::parse(newest.verdict.lines, nullptr, false);
  std::string html = "<h2>Drift from NetBox's intended config (version " + std::to_string(newest.version) +
                     ")</h2>\n<pre class=\"unified\">";
  for (const auto& line : lines.is_array() ? lines : nlohmann::json::array()) {
    const bool missing = line.value("kind", "") == "missing";
    const std::string section = line.value("section", "");
    html.append("<span class=\"").append(missing ? "del" : "add").append("\">");
    html.append(missing ? "- missing " : "+ extra   ").append(escape_html(section.empty() ? "" : "[" + section + "] "));
    html.append(escape_html(line.value("line", ""))).append("</span>\n");
  }
  return html.append("</pre>\n");
}

std::string version_options(const std::vector<storage::ConfigVersion>& versions, std::int64_t selected) {
  std::string options;
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    const std::string number = std::to_string(it->number);
    options.append("<option value=\"").append(number).append(it->number == selected ? "\" selected>" : "\">");
    options.append(number).append(" · ").append(format_time(it->taken_at)).append("</option>");
  }
  return options;
}

std::string compare_form(const PageFrame& frame, const storage::DeviceStatus& device,
                         const std::vector<storage::ConfigVersion>& versions) {
  if (versions.size() < 2) {
    return "";
  }
  const std::int64_t latest = versions.back().number;
  std::string form = "<form class=\"inline\" method=\"get\" action=\"" + device_link(frame, device) + "/diff\">";
  form.append("<label>From <select name=\"from\">")
      .append(version_options(versions, latest - 1))
      .append("</select></label>");
  form.append("<label>To <select name=\"to\">").append(version_options(versions, latest)).append("</select></label>");
  return form.append("<button type=\"submit\">Compare</button></form>\n");
}

std::string version_rows(const PageFrame& frame, const storage::DeviceStatus& device,
                         const std::vector<storage::ConfigVersion>& versions, const DeviceDetails& details) {
  const std::string link = device_link(frame, device);
  std::string rows;
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    const std::string number = std::to_string(it->number);
    rows.append("<tr><td class=\"num\"><a href=\"").append(link).append("/versions/").append(number).append("\">");
    rows.append(number).append("</a></td><td>").append(format_time(it->taken_at)).append("</td>");
    rows.append("<td class=\"num\">").append(std::to_string(it->size)).append("</td>");
    rows.append("<td class=\"num\">").append(std::to_string(it->line_count)).append("</td>");
    rows.append("<td class=\"num add\">+").append(std::to_string(it->lines_added)).append("</td>");
    rows.append("<td class=\"num del\">-").append(std::to_string(it->lines_removed)).append("</td>");
    rows.append("<td><code title=\"").append(escape_html(it->sha256)).append("\">");
    rows.append(escape_html(it->sha256.substr(0, 12))).append("</code></td><td>");
    rows.append("<a href=\"").append(link).append("/versions/").append(number).append("/download\">download</a>");
    if (it->number > 1) {
      rows.append(" · <a href=\"").append(link).append("/diff?from=").append(std::to_string(it->number - 1));
      rows.append("&amp;to=").append(number).append("\">diff</a>");
    }
    const auto checks = details.compliance.find(it->snapshot_id);
    rows.append("</td><td class=\"wrap\">");
    rows.append(compliance_cell(checks == details.compliance.end() ? nullptr : &checks->second));
    const auto drift = details.drift.find(it->snapshot_id);
    rows.append("</td><td>").append(drift == details.drift.end() ? "" : drift_cell(drift->second.verdict));
    rows.append("</td></tr>\n");
  }
  return rows;
}

std::string unified_html(std::string_view unified) {
  std::string html = "<pre class=\"unified\">";
  std::size_t start = 0;
  while (start < unified.size()) {
    const std::size_t end = std::min(unified.find('\n', start), unified.size());
    const std::string_view line = unified.substr(start, end - start);
    const char* kind = line.starts_with("@@")  ? "hunk"
                       : line.starts_with("+") ? "add"
                       : line.starts_with("-") ? "del"
                                               : "";
    html.append("<span class=\"").append(kind).append("\">").append(escape_html(line)).append("</span>");
    start = end + 1;
  }
  return html.append("</pre>\n");
}

// "Unified · Side by side": the layout shown in bold, the other a link to the same diff.
std::string layout_switch(const PageFrame& frame, const storage::DeviceStatus& device, const storage::ConfigDiff& diff,
                          DiffLayout layout) {
  const std::string link = device_link(frame, device) + "/diff?from=" + std::to_string(diff.from.number) +
                           "&amp;to=" + std::to_string(diff.to.number);
  const auto choice = [&](DiffLayout which, const char* label, const char* view) {
    if (which == layout) {
      return std::string("<strong aria-current=\"page\">") + label + "</strong>";
    }
    return "<a href=\"" + link + "&amp;view=" + view + "\">" + label + "</a>";
  };
  return "<nav class=\"layout\" aria-label=\"Diff layout\">" + choice(DiffLayout::unified, "Unified", "unified") +
         " · " + choice(DiffLayout::side_by_side, "Side by side", "split") + "</nav>\n";
}

}  // namespace

std::string failed_rules_html(const std::vector<storage::ComplianceCheck>& checks) {
  std::string items;
  for (const auto& check : checks) {
    if (check.passed) {
      continue;
    }
    items.append("<li><span class=\"error\">").append(escape_html(check.rule)).append("</span> (");
    items.append(escape_html(check.severity)).append(")");
    for (const auto& problem : check.problems) {
      items.append("<br>").append(escape_html(problem));
    }
    items.append("</li>");
  }
  return items.empty() ? "" : "<ul>" + items + "</ul>";
}

std::string format_time(std::int64_t unix_seconds) {
  return utc_time(unix_seconds, "%Y-%m-%d %H:%M:%S UTC");
}

std::string download_name(const storage::DeviceStatus& device, std::int64_t number) {
  std::string name;
  for (unsigned char c : device.device.name) {
    name.push_back(std::isalnum(c) || c == '.' || c == '-' || c == '_' ? static_cast<char>(c) : '_');
  }
  if (name.empty()) {
    name = "device-" + std::to_string(device.device.id);
  }
  return name + "-v" + std::to_string(number) + ".txt";
}

std::string device_page(const PageFrame& frame, const storage::DeviceStatus& device,
                        const std::vector<storage::ConfigVersion>& versions, const DeviceDetails& details,
                        const std::string& netbox_url, const std::string& actions_html) {
  std::string body = "<dl>\n" + state_rows(device) + host_key_rows(device, details.host_keys) + "</dl>\n";
  if (!netbox_url.empty()) {
    body.append("<p><a href=\"").append(escape_html(netbox_url)).append("/dcim/devices/");
    body.append(std::to_string(device.device.id)).append("/\">Open the device in NetBox</a></p>\n");
  }
  body.append("<h2>Versions</h2>\n");
  if (versions.empty()) {
    return html_page(frame, device.device.name, body + "<p>No stored version yet.</p>\n" + actions_html);
  }
  body.append(compare_form(frame, device, versions));
  body.append(
      "<table>\n<thead><tr><th class=\"num\">Version</th><th>Taken</th><th class=\"num\">Bytes</th>"
      "<th class=\"num\">Lines</th><th class=\"num\">Added</th><th class=\"num\">Removed</th>"
      "<th>SHA-256</th><th></th><th>Compliance</th><th>Drift</th></tr></thead>\n<tbody>\n");
  body.append(version_rows(frame, device, versions, details)).append("</tbody>\n</table>\n");
  body.append(drift_lines(details));
  return html_page(frame, device.device.name, body + actions_html);
}

std::string version_page(const PageFrame& frame, const storage::DeviceStatus& device,
                         const storage::ConfigVersion& version, const std::string& text) {
  const std::string link = device_link(frame, device);
  const std::string number = std::to_string(version.number);
  std::string body = "<p><a href=\"" + link + "\">All versions</a> · <a href=\"" + link + "/versions/" + number +
                     "/download\">Download</a></p>\n<p class=\"muted\">Taken " + format_time(version.taken_at) + ", " +
                     std::to_string(version.size) + " bytes, SHA-256 <code>" + escape_html(version.sha256) +
                     "</code></p>\n<pre>";
  body.append(escape_html(text)).append("</pre>\n");
  return html_page(frame, device.device.name + " version " + number, body);
}

std::string diff_page(const PageFrame& frame, const storage::DeviceStatus& device, const storage::ConfigDiff& diff,
                      DiffLayout layout) {
  const std::string title =
      device.device.name + ": version " + std::to_string(diff.from.number) + " to " + std::to_string(diff.to.number);
  std::string body = "<p><a href=\"" + device_link(frame, device) + "\">All versions</a> · <span class=\"add\">+" +
                     std::to_string(diff.lines_added) + "</span> <span class=\"del\">-" +
                     std::to_string(diff.lines_removed) + "</span></p>\n";
  if (diff.text.empty()) {
    return html_page(frame, title, body + "<p>The two versions are the same.</p>\n");
  }
  body.append(layout_switch(frame, device, diff, layout));
  body.append(layout == DiffLayout::side_by_side ? side_by_side_html(diff.text) : unified_html(diff.text));
  return html_page(frame, title, body);
}

}  // namespace nbsync::web
