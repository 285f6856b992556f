#pragma once
// "Since when has this device been out of compliance with a rule", from the results the
// cycles stored per snapshot (compliance_results): the time of the oldest version in the
// unbroken run of failing versions that ends with the newest checked one. When a version
// was checked by several rule sets, its newest result counts. Either backend.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/compliance_hooks.hpp"
#include "storage/database.hpp"

namespace nbsync::storage {

// None when the newest checked version passed, or no result for `rule` is stored.
// Throws DatabaseError naming the database.
std::optional<std::int64_t> compliance_failing_since(Database& database, std::int64_t device_id,
                                                     const std::string& rule);

// Each checked version's results (its newest rule set's), by snapshot id, rules by name.
// Throws DatabaseError naming the database.
std::map<std::int64_t, std::vector<ComplianceCheck>> compliance_by_snapshot(Database& database, std::int64_t device_id);

// One device's results on its newest version, as the cycles stored them.
struct DeviceComplianceState {
  std::int64_t device_id = 0;
  std::string name;
  std::string site;
  std::int64_t snapshot_id = 0;
  std::int64_t checked_at = 0;          // unix seconds, the newest of its results
  std::vector<ComplianceCheck> checks;  // rules by name
};
// Visits every device (not retired) whose newest version has stored results, by name; only
// those `wanted` (when given) says yes to, whose results alone are read. Throws
// DatabaseError naming the database.
void visit_latest_compliance(Database& database, const std::function<void(const DeviceComplianceState&)>& visit,
                             const std::function<bool(std::int64_t device_id)>& wanted = {});

}  // namespace nbsync::storage
