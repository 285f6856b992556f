#include "web/fleet_queries.hpp"

#include <algorithm>
#include <limits>

#include "storage/config_grep.hpp"
#include "storage/config_search.hpp"
#include "storage/regex_literals.hpp"

namespace nbsync::web {
namespace {

// Everything `status` lists, so that filtering leaves whole counts.
constexpr std::size_t k_all_failing = 10'000'000;

bool sees(const DeviceIds& visible, std::int64_t device_id) {
  return visible.contains(device_id);
}

// The slice of `all` a page shows.
template <typename T>
std::vector<T> slice_of(std::vector<T>&& all, const PageSlice& slice) {
  const std::size_t begin = std::min(slice.offset, all.size());
  const std::size_t end = std::min(begin + slice.limit, all.size());
  return {std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(begin)),
          std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(end))};
}

bool is_failure(const std::string& outcome) {
  return outcome != "ok" && outcome != "skipped";
}

}  // namespace

CyclesAnswer read_cycles(storage::Database& database, const DeviceIds& visible, const PageSlice& slice) {
  CyclesAnswer answer;
  answer.total = storage::count_runs(database);
  for (auto& run : storage::read_recent_runs(database, slice.limit, slice.offset)) {
    CycleRow row{std::move(run), {}, 0, 0, 0, 0};
    storage::visit_run_attempts(database, row.run.id, [&](const storage::RunAttempt& attempt) {
      if (!sees(visible, attempt.device_id)) {
        return;
      }
      ++row.outcomes[attempt.outcome];
      ++row.devices;
      row.ok += attempt.outcome == "ok" ? 1 : 0;
      row.failed += is_failure(attempt.outcome) ? 1 : 0;
      row.changed += attempt.changed ? 1 : 0;
    });
    answer.cycles.push_back(std::move(row));
  }
  return answer;
}

FailingAnswer read_failing(storage::Database& database, const DeviceIds& visible, const PageSlice& slice) {
  std::vector<storage::FailingDevice> failing;
  for (auto& device : storage::read_service_status(database, k_all_failing).failing) {
    if (sees(visible, device.device_id)) {
      failing.push_back(std::move(device));
    }
  }
  // By outcome; within one, the order status gives: longest failing first.
  std::stable_sort(failing.begin(), failing.end(), [](const auto& a, const auto& b) { return a.outcome < b.outcome; });
  FailingAnswer answer;
  for (const auto& device : failing) {
    ++answer.by_outcome[device.outcome];
  }
  answer.total = static_cast<std::int64_t>(failing.size());
  answer.devices = slice_of(std::move(failing), slice);
  return answer;
}

ChangesAnswer read_changes(storage::ConfigHistory& history, const DeviceIds& visible, const ChangesWindow& window,
                           const storage::DeviceFilter& filter, const PageSlice& slice) {
  std::vector<storage::DeviceChanges> changes;
  const std::int64_t before = window.before.value_or(std::numeric_limits<std::int64_t>::max());
  for (auto& device : history.changes_since(window.since, filter, before)) {
    if (sees(visible, device.device_id)) {
      changes.push_back(std::move(device));
    }
  }
  ChangesAnswer answer;
  answer.total = static_cast<std::int64_t>(changes.size());
  answer.devices = slice_of(std::move(changes), slice);
  return answer;
}

SearchAnswer search_configs(storage::Database& database, const DeviceIds& visible, const std::string& regex,
                            const Pattern& pattern, const storage::DeviceFilter& filter, const PageSlice& slice) {
  SearchAnswer answer;
  std::size_t seen = 0;  // matches before and on this page
  storage::ConfigSearch search(database);
  const storage::ConfigScan scan = search.scan(
      storage::required_literals(regex), filter,
      [&](const storage::LatestConfig& latest) {
        bool on_page = false;
        storage::for_each_matching_line(pattern, latest.text, [&](std::int64_t line, std::string_view text) {
          if (seen == slice.offset + slice.limit) {
            answer.more = true;
            return false;
          }
          if (seen++ >= slice.offset) {
            answer.matches.push_back({latest.device, line, std::string(text)});
            on_page = true;
          }
          return true;
        });
        answer.devices_matched += on_page ? 1 : 0;
        return !answer.more;
      },
      [&visible](const storage::DeviceRecord& device) { return sees(visible, device.id); });
  answer.configs_read = scan.devices_read;
  answer.index_used = scan.narrowed;
  return answer;
}

ComplianceAnswer read_compliance(storage::Database& database, const DeviceIds& visible, const PageSlice& slice) {
  ComplianceAnswer answer;
  std::vector<FailingCompliance> failing;
  storage::visit_latest_compliance(database, [&](const storage::DeviceComplianceState& device) {
    if (!sees(visible, device.device_id)) {
      return;
    }
    ++answer.devices_checked;
    FailingCompliance entry{device, std::nullopt};
    entry.device.checks.clear();
    for (const auto& check : device.checks) {
      RuleTotals& totals = answer.rules[check.rule];
      totals.severity = check.severity;
      ++totals.checked;
      if (!check.passed) {
        ++totals.failed;
        entry.device.checks.push_back(check);
      }
    }
    if (!entry.device.checks.empty()) {
      failing.push_back(std::move(entry));
    }
  });
  answer.total_failing = static_cast<std::int64_t>(failing.size());
  answer.failing = slice_of(std::move(failing), slice);
  for (auto& entry : answer.failing) {
    for (const auto& check : entry.device.checks) {
      const auto since = storage::compliance_failing_since(database, entry.device.device_id, check.rule);
      if (since && (!entry.failing_since || *since < *entry.failing_since)) {
        entry.failing_since = since;
      }
    }
  }
  return answer;
}

DriftAnswer read_drift(storage::Database& database, const DeviceIds& visible, const DriftQuery& query,
                       const PageSlice& slice) {
  DriftAnswer answer;
  for (auto& device : storage::DriftStore(database).latest(query.filter)) {
    if (!sees(visible, device.device_id)) {
      continue;
    }
    const std::string& group = query.by == "role"       ? device.role
                               : query.by == "platform" ? device.platform
                                                        : device.site;
    DriftTotals& totals = answer.groups[group];
    totals.lines += device.missing + device.extra;
    if (device.status != "differs") {
      (device.status == "in_sync" ? totals.in_sync : totals.no_template) += 1;
      continue;
    }
    totals.differs += 1;
    const auto index = static_cast<std::size_t>(answer.total_drifting++);
    if (index >= slice.offset && index < slice.offset + slice.limit) {
      answer.drifting.push_back(std::move(device));
    }
  }
  return answer;
}

}  // namespace nbsync::web
