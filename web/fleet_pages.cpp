#include "web/fleet_pages.hpp"

#include "types/iso_time.hpp"
#include "web/device_pages.hpp"

namespace nbsync::web {
namespace {

std::string device_link(const PageFrame& frame, std::int64_t id, const std::string& name) {
  return "<a href=\"" + escape_html(frame.prefix) + "/devices/" + std::to_string(id) + "\">" + escape_html(name) +
         "</a>";
}

std::string optional_time(const std::optional<std::int64_t>& at) {
  return at ? format_time(*at) : "";
}

std::string duration(std::int64_t seconds) {
  return seconds < 120 ? std::to_string(seconds) + " s" : std::to_string(seconds / 60) + " min";
}

std::string filter_query(const storage::DeviceFilter& filter) {
  return "&site=" + percent_encode(filter.site) + "&role=" + percent_encode(filter.role) +
         "&platform=" + percent_encode(filter.platform);
}

// "Showing 101–200 of 350" and links to the pages before and after. `query` holds the
// page's other parameters ("&since=24h..."), already percent-encoded.
std::string pager(const PageFrame& frame, const std::string& path, const std::string& query, const PageSlice& slice,
                  std::size_t shown, std::optional<std::int64_t> total, bool more) {
  std::string html = "<p class=\"muted\">";
  if (shown == 0) {
    html.append("Nothing to show here");
  } else {
    html.append("Showing ").append(std::to_string(slice.offset + 1)).append("–");
    html.append(std::to_string(slice.offset + shown));
    html.append(total ? " of " + std::to_string(*total) : (more ? ", more follow" : ", all of them"));
  }
  const std::string link = escape_html(frame.prefix + path + "?limit=" + std::to_string(slice.limit) + query);
  if (slice.offset > 0) {
    const std::size_t previous = slice.offset > slice.limit ? slice.offset - slice.limit : 0;
    html.append(" · <a href=\"").append(link).append("&amp;offset=").append(std::to_string(previous));
    html.append("\">previous page</a>");
  }
  const bool next = total ? static_cast<std::int64_t>(slice.offset + shown) < *total : more;
  if (next) {
    html.append(" · <a href=\"").append(link).append("&amp;offset=").append(std::to_string(slice.offset + shown));
    html.append("\">next page</a>");
  }
  return html.append("</p>\n");
}

std::string text_field(const char* label, const char* name, const std::string& value) {
  return std::string("<label>") + label + " <input name=\"" + name + "\" value=\"" + escape_html(value) + "\"></label>";
}

// A browser's date picker for a date (or nothing), a plain text field for a time of day, which
// the picker could not show.
std::string date_field(const char* label, const char* name, const std::string& value) {
  const bool date = value.empty() || (value.size() == 10 && parse_iso_time(value));
  return std::string("<label>") + label + " <input type=\"" + (date ? "date" : "text") + "\" name=\"" + name +
         "\" value=\"" + escape_html(value) + "\" placeholder=\"2026-12-01\"></label>";
}

std::string filter_fields(const storage::DeviceFilter& filter) {
  return text_field("Site", "site", filter.site) + text_field("Role", "role", filter.role) +
         text_field("Platform", "platform", filter.platform);
}

std::string table(const std::string& head, const std::string& rows) {
  return "<table>\n<thead><tr>" + head + "</tr></thead>\n<tbody>\n" + rows + "</tbody>\n</table>\n";
}

std::string outcome_counts(const std::map<std::string, std::int64_t>& outcomes) {
  std::string text;
  for (const auto& [outcome, count] : outcomes) {
    text.append(text.empty() ? "" : ", ").append(escape_html(outcome)).append(" ").append(std::to_string(count));
  }
  return text;
}

std::string cycle_row(const CycleRow& row) {
  const auto& run = row.run;
  std::string html = "<tr><td class=\"num\">" + std::to_string(run.id) + "</td><td>" + format_time(run.started_at);
  html.append("</td><td class=\"num\">")
      .append(run.finished_at ? duration(*run.finished_at - run.started_at) : "not finished");
  html.append("</td><td class=\"num\">").append(std::to_string(row.devices));
  html.append("</td><td class=\"num\">").append(std::to_string(row.ok));
  html.append("</td><td class=\"num").append(row.failed > 0 ? " error" : "").append("\">");
  html.append(std::to_string(row.failed)).append("</td><td class=\"num\">").append(std::to_string(row.changed));
  html.append("</td><td>").append(outcome_counts(row.outcomes));
  if (run.inventory_complete && !*run.inventory_complete) {
    html.append(" <span class=\"error\">NetBox inventory incomplete: ").append(escape_html(run.note)).append("</span>");
  }
  return html.append("</td></tr>\n");
}

}  // namespace

std::string cycles_page(const PageFrame& frame, const CyclesAnswer& answer, const PageSlice& slice) {
  std::string rows;
  for (const auto& row : answer.cycles) {
    rows.append(cycle_row(row));
  }
  std::string body =
      "<p>Each backup cycle nbsync ran, newest first: when it started, how long it took, and what it did to the "
      "devices you may see.</p>\n";
  body.append(pager(frame, "/cycles", "", slice, answer.cycles.size(), answer.total, false));
  if (!rows.empty()) {
    body.append(
        table("<th class=\"num\">Run</th><th>Started</th><th class=\"num\">Took</th><th class=\"num\">Devices</th>"
              "<th class=\"num\">Ok</th><th class=\"num\">Failed</th><th class=\"num\">Changed</th><th>Outcomes</th>",
              rows));
  }
  return html_page(frame, "Backup cycles", body);
}

std::string failing_page(const PageFrame& frame, const FailingAnswer& answer, const PageSlice& slice) {
  std::string body = "<p>Devices whose latest backup failed, by outcome, longest failing first.";
  if (!answer.by_outcome.empty()) {
    body.append(" ").append(outcome_counts(answer.by_outcome)).append(".");
  }
  body.append("</p>\n");
  body.append(pager(frame, "/failing", "", slice, answer.devices.size(), answer.total, false));
  std::string outcome;
  std::string rows;
  const auto close_group = [&] {
    if (!rows.empty()) {
      body.append("<h2>").append(escape_html(outcome)).append("</h2>\n");
      body.append(table("<th>Device</th><th>Site</th><th>Failing since</th><th>Last error</th>", rows));
      rows.clear();
    }
  };
  for (const auto& device : answer.devices) {
    if (device.outcome != outcome) {
      close_group();
      outcome = device.outcome;
    }
    rows.append("<tr><td>").append(device_link(frame, device.device_id, device.name)).append("</td><td>");
    rows.append(escape_html(device.site)).append("</td><td>").append(optional_time(device.failing_since));
    rows.append("</td><td class=\"wrap\">").append(escape_html(device.message)).append("</td></tr>\n");
  }
  close_group();
  return html_page(frame, "Failing devices", body);
}

std::string changes_page(const PageFrame& frame, const ChangesQuery& query, const ChangesWindow& window,
                         const ChangesAnswer& answer, const PageSlice& slice) {
  const bool range = !query.time.from.empty() || !query.time.to.empty();
  std::string body = "<form class=\"inline\" method=\"get\" action=\"" + escape_html(frame.prefix) + "/changes\">";
  body.append("<label>Since <select name=\"since\">");
  for (const auto& [choice, seconds] : k_since_choices) {
    const bool selected = !range && query.time.since == choice;
    body.append("<option").append(selected ? " selected>" : ">").append(choice).append("</option>");
  }
  body.append("</select></label>");
  body.append(date_field("or from", "from", query.time.from)).append(date_field("to", "to", query.time.to));
  body.append(filter_fields(query.filter));
  body.append("<button type=\"submit\">Show</button></form>\n");
  body.append("<p>Devices with new config versions ");
  if (window.before) {
    body.append("from ").append(format_time(window.since)).append(" to ").append(format_time(*window.before - 1));
  } else {
    body.append("since ").append(format_time(window.since));
  }
  body.append(".</p>\n");
  const std::string kept = "&since=" + percent_encode(query.time.since) + "&from=" + percent_encode(query.time.from) +
                           "&to=" + percent_encode(query.time.to) + filter_query(query.filter);
  body.append(pager(frame, "/changes", kept, slice, answer.devices.size(), answer.total, false));
  std::string rows;
  for (const auto& c : answer.devices) {
    rows.append("<tr><td>").append(device_link(frame, c.device_id, c.name)).append("</td><td>");
    rows.append(escape_html(c.site)).append("</td><td>").append(escape_html(c.platform)).append("</td><td>");
    rows.append(escape_html(c.role)).append("</td><td class=\"num\">").append(std::to_string(c.versions));
    rows.append("</td><td class=\"num add\">+").append(std::to_string(c.lines_added));
    rows.append("</td><td class=\"num del\">-").append(std::to_string(c.lines_removed)).append("</td><td>");
    rows.append("<a href=\"").append(escape_html(frame.prefix)).append("/devices/").append(std::to_string(c.device_id));
    rows.append("/diff\">").append(format_time(c.last_change_at)).append("</a></td></tr>\n");
  }
  if (!rows.empty()) {
    body.append(
        table("<th>Device</th><th>Site</th><th>Platform</th><th>Role</th><th class=\"num\">Versions</th>"
              "<th class=\"num\">Added</th><th class=\"num\">Removed</th><th>Last change</th>",
              rows));
  }
  return html_page(frame, "Recent changes", body);
}

std::string search_page(const PageFrame& frame, const SearchQuery& query, const std::optional<SearchAnswer>& answer,
                        const std::string& problem, const PageSlice& slice) {
  std::string body = "<form class=\"inline\" method=\"get\" action=\"" + escape_html(frame.prefix) + "/search\">";
  body.append(text_field("Regular expression (PCRE2)", "q", query.regex)).append(filter_fields(query.filter));
  body.append("<button type=\"submit\">Search</button></form>\n");
  if (!problem.empty()) {
    body.append("<p class=\"error\">").append(escape_html(problem)).append("</p>\n");
  }
  if (!answer) {
    body.append("<p>Every line of every device's latest config that the expression matches.</p>\n");
    return html_page(frame, "Search configs", body);
  }
  const std::string kept = "&q=" + percent_encode(query.regex) + filter_query(query.filter);
  body.append(pager(frame, "/search", kept, slice, answer->matches.size(), std::nullopt, answer->more));
  std::string rows;
  for (const auto& match : answer->matches) {
    rows.append("<tr><td>").append(device_link(frame, match.device.id, match.device.name)).append("</td>");
    rows.append("<td class=\"num\">").append(std::to_string(match.line)).append("</td><td><code>");
    rows.append(escape_html(match.text)).append("</code></td></tr>\n");
  }
  if (!rows.empty()) {
    body.append(table("<th>Device</th><th class=\"num\">Line</th><th>Text</th>", rows));
  }
  body.append("<p class=\"muted\">").append(std::to_string(answer->configs_read)).append(" configs read");
  body.append(answer->index_used ? " after the index narrowed them" : "").append(".</p>\n");
  return html_page(frame, "Search configs", body);
}

std::string compliance_page(const PageFrame& frame, const ComplianceAnswer& answer, const PageSlice& slice) {
  std::string body =
      "<p>Compliance of each device's newest version, as the backup cycles checked it against their rules.</p>\n";
  std::string rules;
  for (const auto& [rule, totals] : answer.rules) {
    rules.append("<tr><td>").append(escape_html(rule)).append("</td><td>").append(escape_html(totals.severity));
    rules.append("</td><td class=\"num\">").append(std::to_string(totals.checked)).append("</td><td class=\"num");
    rules.append(totals.failed > 0 ? " error" : "").append("\">").append(std::to_string(totals.failed));
    rules.append("</td></tr>\n");
  }
  body.append("<p>").append(std::to_string(answer.devices_checked)).append(" devices checked, ");
  body.append(std::to_string(answer.total_failing)).append(" failing a rule.</p>\n");
  if (!rules.empty()) {
    body.append(
        table("<th>Rule</th><th>Severity</th><th class=\"num\">Devices</th><th class=\"num\">Failing</th>", rules));
  }
  body.append("<h2>Failing devices</h2>\n");
  body.append(pager(frame, "/compliance", "", slice, answer.failing.size(), answer.total_failing, false));
  std::string rows;
  for (const auto& entry : answer.failing) {
    rows.append("<tr><td>").append(device_link(frame, entry.device.device_id, entry.device.name)).append("</td><td>");
    rows.append(escape_html(entry.device.site)).append("</td><td>").append(optional_time(entry.failing_since));
    rows.append("</td><td class=\"wrap\">").append(failed_rules_html(entry.device.checks));
    rows.append("</td></tr>\n");
  }
  if (!rows.empty()) {
    body.append(table("<th>Device</th><th>Site</th><th>Failing since</th><th>Failed rules</th>", rows));
  }
  return html_page(frame, "Compliance", body);
}

std::string drift_page(const PageFrame& frame, const DriftQuery& query, const DriftAnswer& answer,
                       const PageSlice& slice) {
  std::string body = "<form class=\"inline\" method=\"get\" action=\"" + escape_html(frame.prefix) + "/drift\">";
  body.append("<label>By <select name=\"by\">");
  for (const char* choice : {"site", "role", "platform"}) {
    body.append("<option").append(query.by == choice ? " selected>" : ">").append(choice).append("</option>");
  }
  body.append("</select></label>").append(filter_fields(query.filter));
  body.append("<button type=\"submit\">Show</button></form>\n");
  body.append(
      "<p>Each device's newest checked version against the config NetBox renders from its config template.</p>\n");
  std::string groups;
  for (const auto& [group, totals] : answer.groups) {
    groups.append("<tr><td>").append(escape_html(group)).append("</td><td class=\"num\">");
    groups.append(std::to_string(totals.in_sync)).append("</td><td class=\"num");
    groups.append(totals.differs > 0 ? " error" : "").append("\">").append(std::to_string(totals.differs));
    groups.append("</td><td class=\"num\">").append(std::to_string(totals.no_template));
    groups.append("</td><td class=\"num\">").append(std::to_string(totals.lines)).append("</td></tr>\n");
  }
  if (!groups.empty()) {
    body.append(table("<th>" + escape_html(query.by) +
                          "</th><th class=\"num\">In sync</th><th class=\"num\">Drifting</th>"
                          "<th class=\"num\">No template</th><th class=\"num\">Lines differing</th>",
                      groups));
  }
  body.append("<h2>Drifting devices</h2>\n");
  const std::string kept = "&by=" + percent_encode(query.by) + filter_query(query.filter);
  body.append(pager(frame, "/drift", kept, slice, answer.drifting.size(), answer.total_drifting, false));
  std::string rows;
  for (const auto& device : answer.drifting) {
    rows.append("<tr><td>").append(device_link(frame, device.device_id, device.name)).append("</td><td>");
    rows.append(escape_html(device.site)).append("</td><td>").append(escape_html(device.role)).append("</td><td>");
    rows.append(escape_html(device.platform)).append("</td><td class=\"num\">").append(std::to_string(device.missing));
    rows.append("</td><td class=\"num\">").append(std::to_string(device.extra)).append("</td></tr>\n");
  }
  if (!rows.empty()) {
    body.append(
        table("<th>Device</th><th>Site</th><th>Role</th><th>Platform</th><th class=\"num\">Missing</th>"
              "<th class=\"num\">Extra</th>",
              rows));
  }
  return html_page(frame, "Drift from intended configs", body);
}

}  // namespace nbsync::web
