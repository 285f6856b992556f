#pragma once
// The compliance report read from compliance_latest, which the writer keeps as it stores
// results (one row per device whose newest version has results: its verdicts without
// their problems): totals per rule over the current (not retired) devices, the devices
// failing a rule, and a failing device's results in full. Same answers as reading every
// device's newest results (visit_latest_compliance), in a few small reads. Either backend.
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "storage/compliance_history.hpp"
#include "storage/database.hpp"

namespace nbsync::storage {

struct RuleCount {
  std::string severity;
  std::int64_t checked = 0;
  std::int64_t failed = 0;
};
struct ComplianceTotals {
  std::map<std::string, RuleCount> rules;  // by rule
  std::int64_t devices = 0;                // devices with results
};

// Totals over every current device but those in `except` (a token that sees nearly all).
// Throws DatabaseError naming the database.
ComplianceTotals compliance_totals_except(Database& database, std::span<const std::int64_t> except);

// Totals over the current devices in `only` (a token that sees a few). Throws DatabaseError.
ComplianceTotals compliance_totals_of(Database& database, std::span<const std::int64_t> only);

// The current devices failing a rule on their newest version that `wanted` says yes to,
// by name then id: device_id, name and site (read_newest_checks reads the rest). Throws
// DatabaseError naming the database.
std::vector<DeviceComplianceState> failing_compliance(Database& database,
                                                      const std::function<bool(std::int64_t device_id)>& wanted);

// The same for the current devices in `only` (a token that sees a few), by name (bytewise)
// then id. Throws DatabaseError naming the database.
std::vector<DeviceComplianceState> failing_compliance_of(Database& database, std::span<const std::int64_t> only);

// Fills `device`'s checks (problems too), snapshot_id and checked_at from the newest
// results of its newest version. Throws DatabaseError naming the database.
void read_newest_checks(Database& database, DeviceComplianceState& device);

}  // namespace nbsync::storage
