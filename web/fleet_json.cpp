#include "web/fleet_json.hpp"

#include "storage/answer_json.hpp"
#include "web/utc_time.hpp"

namespace nbsync::web {
namespace {

using json = nlohmann::json;

json optional_time(const std::optional<std::int64_t>& at) {
  return at ? json(iso_time(*at)) : json(nullptr);
}

json paged(json body, const PageSlice& slice) {
  body["offset"] = slice.offset;
  body["limit"] = slice.limit;
  return body;
}

json problems_json(const storage::ComplianceCheck& check) {
  return {{"rule", check.rule}, {"severity", check.severity}, {"problems", check.problems}};
}

}  // namespace

json cycles_json(const CyclesAnswer& answer, const PageSlice& slice) {
  json cycles = json::array();
  for (const auto& row : answer.cycles) {
    const auto& run = row.run;
    cycles.push_back({{"id", run.id},
                      {"started_at", iso_time(run.started_at)},
                      {"started_at_unix", run.started_at},
                      {"finished_at", optional_time(run.finished_at)},
                      {"duration_seconds", run.finished_at ? json(*run.finished_at - run.started_at) : json(nullptr)},
                      {"inventory_complete", run.inventory_complete ? json(*run.inventory_complete) : json(nullptr)},
                      {"note", run.note},
                      {"devices", row.devices},
                      {"ok", row.ok},
                      {"failed", row.failed},
                      {"changed", row.changed},
                      {"outcomes", row.outcomes}});
  }
  return paged({{"total", answer.total}, {"cycles", cycles}}, slice);
}

json failing_json(const FailingAnswer& answer, const PageSlice& slice) {
  json devices = json::array();
  for (const auto& device : answer.devices) {
    devices.push_back(storage::failing_device_json(device));
  }
  return paged({{"total", answer.total}, {"by_outcome", answer.by_outcome}, {"devices", devices}}, slice);
}

json changes_json(const ChangesAnswer& answer, const ChangesWindow& window, const PageSlice& slice) {
  json devices = json::array();
  for (const auto& c : answer.devices) {
    devices.push_back(storage::device_changes_json(c));
  }
  json before = nullptr;
  json before_unix = nullptr;
  if (window.before) {
    before = iso_time(*window.before);
    before_unix = *window.before;
  }
  return paged({{"since", iso_time(window.since)},
                {"since_unix", window.since},
                {"before", before},
                {"before_unix", before_unix},
                {"total", answer.total},
                {"devices", devices}},
               slice);
}

json search_json(const SearchAnswer& answer, const std::string& regex, const PageSlice& slice) {
  json matches = json::array();
  for (const auto& match : answer.matches) {
    matches.push_back({{"device", match.device.name},
                       {"device_id", match.device.id},
                       {"site", match.device.site},
                       {"platform", match.device.platform},
                       {"line", match.line},
                       {"text", match.text}});
  }
  return paged({{"pattern", regex},
                {"matches", matches},
                {"more", answer.more},
                {"devices_matched", answer.devices_matched},
                {"configs_read", answer.configs_read},
                {"index_used", answer.index_used}},
               slice);
}

json compliance_json(const ComplianceAnswer& answer, const PageSlice& slice) {
  json rules = json::array();
  for (const auto& [rule, totals] : answer.rules) {
    rules.push_back(
        {{"rule", rule}, {"severity", totals.severity}, {"checked", totals.checked}, {"failed", totals.failed}});
  }
  json devices = json::array();
  for (const auto& entry : answer.failing) {
    json failed = json::array();
    for (const auto& check : entry.device.checks) {
      failed.push_back(problems_json(check));
    }
    devices.push_back({{"id", entry.device.device_id},
                       {"name", entry.device.name},
                       {"site", entry.device.site},
                       {"checked_at", iso_time(entry.device.checked_at)},
                       {"failing_since", optional_time(entry.failing_since)},
                       {"failed", failed}});
  }
  return paged({{"devices_checked", answer.devices_checked},
                {"total", answer.total_failing},
                {"rules", rules},
                {"devices", devices}},
               slice);
}

json drift_json(const DriftAnswer& answer, const DriftQuery& query, const PageSlice& slice) {
  json groups = json::array();
  for (const auto& [group, totals] : answer.groups) {
    groups.push_back({{query.by, group},
                      {"in_sync", totals.in_sync},
                      {"differs", totals.differs},
                      {"no_template", totals.no_template},
                      {"lines", totals.lines}});
  }
  json devices = json::array();
  for (const auto& device : answer.drifting) {
    devices.push_back({{"id", device.device_id},
                       {"name", device.name},
                       {"site", device.site},
                       {"role", device.role},
                       {"platform", device.platform},
                       {"missing", device.missing},
                       {"extra", device.extra}});
  }
  return paged({{"by", query.by}, {"groups", groups}, {"total", answer.total_drifting}, {"devices", devices}}, slice);
}

}  // namespace nbsync::web
