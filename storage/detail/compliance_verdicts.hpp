#pragma once
// compliance_latest.verdicts: a device's verdicts on its newest version without their
// problems, as a JSON array of [rule, severity, passed (0 or 1)] by rule. Devices with the
// same verdicts share the same text, so the report counts them with one GROUP BY.
#include <string>
#include <vector>

#include "storage/compliance_hooks.hpp"

namespace nbsync::storage::detail {

std::string verdicts_text(const std::vector<ComplianceCheck>& checks);

// The checks `text` holds (problems empty); elements it cannot read are left out.
std::vector<ComplianceCheck> parse_verdicts(const std::string& text);

}  // namespace nbsync::storage::detail
