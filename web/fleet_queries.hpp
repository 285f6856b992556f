#pragma once
// The fleet pages' questions, through storage's own queries (the ones `nbsync status`,
// `changes`, `search` and `compliance` use), every answer filtered to the devices NetBox
// lists for the signed-in token (`visible`) and cut to one page: a device the token may not
// see is never in a list, a count or a match. Each answer says how many there are in all.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/compliance_history.hpp"
#include "storage/config_history.hpp"
#include "storage/database.hpp"
#include "storage/device_filter.hpp"
#include "storage/device_record.hpp"
#include "storage/drift_store.hpp"
#include "storage/service_status.hpp"
#include "types/pattern.hpp"
#include "web/changes_window.hpp"
#include "web/netbox_access.hpp"

namespace nbsync::web {

// Which slice of a long answer a page shows.
struct PageSlice {
  std::size_t offset = 0;
  std::size_t limit = 100;
};

// One cycle: when and how long (the whole run's), and what it did to the visible devices.
struct CycleRow {
  storage::RunStatus run;
  std::map<std::string, std::int64_t> outcomes;  // outcome -> visible devices
  std::int64_t devices = 0;
  std::int64_t ok = 0;
  std::int64_t failed = 0;  // neither ok nor skipped
  std::int64_t changed = 0;
};
struct CyclesAnswer {
  std::vector<CycleRow> cycles;  // newest first
  std::int64_t total = 0;        // runs in the database
};
CyclesAnswer read_cycles(storage::Database& database, const DeviceIds& visible, const PageSlice& slice);

// The devices failing now, grouped by outcome (by name of the outcome), longest failing first in each.
struct FailingAnswer {
  std::vector<storage::FailingDevice> devices;  // this page of them
  std::map<std::string, std::int64_t> by_outcome;
  std::int64_t total = 0;
};
FailingAnswer read_failing(storage::Database& database, const DeviceIds& visible, const PageSlice& slice);

struct ChangesAnswer {
  std::vector<storage::DeviceChanges> devices;  // by name
  std::int64_t total = 0;
};
ChangesAnswer read_changes(storage::ConfigHistory& history, const DeviceIds& visible, const ChangesWindow& window,
                           const storage::DeviceFilter& filter, const PageSlice& slice);

struct SearchMatch {
  storage::DeviceRecord device;
  std::int64_t line = 0;
  std::string text;
};
struct SearchAnswer {
  std::vector<SearchMatch> matches;  // this page of them, by device name then line
  bool more = false;                 // matches past this page exist (the scan stopped there)
  std::int64_t devices_matched = 0;  // on this page
  std::int64_t configs_read = 0;
  bool index_used = false;
};
SearchAnswer search_configs(storage::Database& database, const DeviceIds& visible, const std::string& regex,
                            const Pattern& pattern, const storage::DeviceFilter& filter, const PageSlice& slice);

struct RuleTotals {
  std::string severity;
  std::int64_t checked = 0;
  std::int64_t failed = 0;
};
struct FailingCompliance {
  storage::DeviceComplianceState device;      // `checks`: only the failed ones
  std::optional<std::int64_t> failing_since;  // the oldest of its failed rules'
};
struct ComplianceAnswer {
  std::map<std::string, RuleTotals> rules;
  std::int64_t devices_checked = 0;
  std::vector<FailingCompliance> failing;  // this page of them, by name
  std::int64_t total_failing = 0;
};
ComplianceAnswer read_compliance(storage::Database& database, const DeviceIds& visible, const PageSlice& slice);

// Drift from NetBox's intended configs of each device's newest checked version, counted by
// site, role or platform (`by`), and the drifting devices (this page of them, by name).
struct DriftTotals {
  std::int64_t in_sync = 0;
  std::int64_t differs = 0;
  std::int64_t no_template = 0;
  std::int64_t lines = 0;  // lines that differ, summed over the group
};
struct DriftQuery {
  std::string by = "site";  // site, role or platform
  storage::DeviceFilter filter;
};
struct DriftAnswer {
  std::map<std::string, DriftTotals> groups;
  std::vector<storage::DeviceDrift> drifting;
  std::int64_t total_drifting = 0;
};
DriftAnswer read_drift(storage::Database& database, const DeviceIds& visible, const DriftQuery& query,
                       const PageSlice& slice);

}  // namespace nbsync::web
