#include "web/fleet_queries.hpp"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "storage/compliance_report.hpp"
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

// The devices the database knows, split by whether the token sees them.
struct KnownDevices {
  std::vector<std::int64_t> shown;
  std::vector<std::int64_t> hidden;
};

KnownDevices split_known(storage::Database& database, const DeviceIds& visible) {
  KnownDevices known;
  for (const std::int64_t id : storage::read_device_ids(database)) {
    (sees(visible, id) ? known.shown : known.hidden).push_back(id);
  }
  return known;
}

// Adds (`sign` 1) or takes away (-1) one attempt from the cycle's counts.
void count_attempt(CycleRow& row, const storage::RunAttempt& attempt, std::int64_t sign) {
  row.outcomes[attempt.outcome] += sign;
  row.devices += sign;
  row.ok += attempt.outcome == "ok" ? sign : 0;
  row.failed += is_failure(attempt.outcome) ? sign : 0;
  row.changed += attempt.changed ? sign : 0;
}

// Counts every attempt from the totals a finished run stored (its outcomes and changes);
// false when it has none (a run still going).
bool count_from_run_totals(CycleRow& row) {
  const auto summary = nlohmann::json::parse(row.run.summary_json, nullptr, false);
  if (!row.run.finished_at || !summary.is_object()) {
    return false;
  }
  for (const auto& [outcome, count] : summary.items()) {
    if (!count.is_number_integer()) {
      return false;
    }
  }
  for (const auto& [outcome, count] : summary.items()) {
    const std::int64_t n = count.get<std::int64_t>();
    row.outcomes[outcome] += n;
    row.devices += n;
    row.ok += outcome == "ok" ? n : 0;
    row.failed += is_failure(outcome) ? n : 0;
  }
  row.changed = row.run.changed;
  return true;
}

// The cycle's counts over the devices the token sees, whichever way reads least: the run's
// totals less the attempts of the few devices it does not see (a token that sees nearly
// everything), the attempts of the few it sees (one site's engineer), or else every attempt.
void count_cycle(storage::Database& database, const DeviceIds& visible, const KnownDevices& known, CycleRow& row) {
  const bool few_hidden = known.hidden.size() <= known.shown.size();
  const auto& few = few_hidden ? known.hidden : known.shown;
  // A lookup costs about what reading a few of the run's rows does.
  const bool lookups_pay = static_cast<std::int64_t>(few.size()) * 4 <= row.run.attempts || few.empty();
  if (lookups_pay && (!few_hidden || count_from_run_totals(row))) {
    storage::visit_run_attempts_of(database, row.run.id, few, [&](const storage::RunAttempt& attempt) {
      count_attempt(row, attempt, few_hidden ? -1 : 1);
    });
  } else {
    storage::visit_run_attempts(database, row.run.id, [&](const storage::RunAttempt& attempt) {
      if (sees(visible, attempt.device_id)) {
        count_attempt(row, attempt, 1);
      }
    });
  }
  std::erase_if(row.outcomes, [](const auto& entry) { return entry.second <= 0; });
}

}  // namespace

CyclesAnswer read_cycles(storage::Database& database, const DeviceIds& visible, const PageSlice& slice) {
  CyclesAnswer answer;
  answer.total = storage::count_runs(database);
  const KnownDevices known = split_known(database, visible);
  for (auto& run : storage::read_recent_runs(database, slice.limit, slice.offset)) {
    CycleRow row{std::move(run), {}, 0, 0, 0, 0};
    count_cycle(database, visible, known, row);
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

namespace {

// Totals and failing devices over the devices the token sees, whichever way reads least:
// every device's less the few it does not see, or the few it sees (as count_cycle does).
struct VisibleCompliance {
  storage::ComplianceTotals totals;
  std::vector<storage::DeviceComplianceState> failing;  // by name
};

VisibleCompliance visible_compliance(storage::Database& database, const DeviceIds& visible) {
  const KnownDevices known = split_known(database, visible);
  if (known.hidden.size() <= known.shown.size()) {
    return {storage::compliance_totals_except(database, known.hidden),
            storage::failing_compliance(database, [&visible](std::int64_t id) { return sees(visible, id); })};
  }
  return {storage::compliance_totals_of(database, known.shown), storage::failing_compliance_of(database, known.shown)};
}

}  // namespace

ComplianceAnswer read_compliance(storage::Database& database, const DeviceIds& visible, const PageSlice& slice) {
  ComplianceAnswer answer;
  VisibleCompliance compliance = visible_compliance(database, visible);
  answer.devices_checked = compliance.totals.devices;
  for (auto& [rule, count] : compliance.totals.rules) {
    answer.rules[rule] = {std::move(count.severity), count.checked, count.failed};
  }
  std::vector<storage::DeviceComplianceState> failing = std::move(compliance.failing);
  answer.total_failing = static_cast<std::int64_t>(failing.size());
  for (auto& device : slice_of(std::move(failing), slice)) {
    storage::read_newest_checks(database, device);
    std::erase_if(device.checks, [](const auto& check) { return check.passed; });
    FailingCompliance entry{std::move(device), std::nullopt};
    for (const auto& check : entry.device.checks) {
      const auto since = storage::compliance_failing_since(database, entry.device.device_id, check.rule);
      if (since && (!entry.failing_since || *since < *entry.failing_since)) {
        entry.failing_since = since;
      }
    }
    answer.failing.push_back(std::move(entry));
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
