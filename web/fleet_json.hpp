#pragma once
// The JSON twin of the fleet pages (/api/cycles, /api/failing, /api/changes, /api/search,
// /api/compliance): the same facts for scripts, with the page's offset and limit and the
// whole count. Times are UTC ISO 8601 strings plus unix seconds.
#include <nlohmann/json.hpp>

#include <string>

#include "web/fleet_queries.hpp"

namespace nbsync::web {

nlohmann::json cycles_json(const CyclesAnswer& answer, const PageSlice& slice);
nlohmann::json failing_json(const FailingAnswer& answer, const PageSlice& slice);
nlohmann::json changes_json(const ChangesAnswer& answer, const ChangesWindow& window, const PageSlice& slice);
nlohmann::json search_json(const SearchAnswer& answer, const std::string& regex, const PageSlice& slice);
nlohmann::json compliance_json(const ComplianceAnswer& answer, const PageSlice& slice);
nlohmann::json drift_json(const DriftAnswer& answer, const DriftQuery& query, const PageSlice& slice);

}  // namespace nbsync::web
