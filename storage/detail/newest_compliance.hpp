#pragma once
// A device's results on its newest version, as the compliance report counts them: of the
// rule sets that checked that version, the one that checked it last (ties: the greater
// digest). Read by the report and by the writer, which keeps compliance_latest from it.
#include "storage/compliance_history.hpp"
#include "storage/detail/sql_connection.hpp"

namespace nbsync::storage::detail {

// One row's check from columns 1-4 (rule, severity, passed, problems as a JSON array).
ComplianceCheck check_from(const SqlRows& row);

// Fills `device`'s snapshot_id, checked_at and checks (rules by name) from the newest
// results of device.device_id's newest version; checks stay empty when it has none.
void read_newest_rule_set(SqlConnection& sql, DeviceComplianceState& device);

}  // namespace nbsync::storage::detail
