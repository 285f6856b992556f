#pragma once
// NetBox's event rule conditions (extras/conditions.py, docs reference/conditions.md):
// a condition {"attr": "a.b", "value": V, "op": "eq", "negate": false} or a set
// {"and": [...]} / {"or": [...]} of them, nested. A dotted attr walks objects and maps
// over lists ("tags.slug" is the list of tag slugs). Ops: eq, gt, gte, lt, lte, in,
// contains, regex. A missing attr is null: only eq/negate can match it.
#include <string>

#include <nlohmann/json.hpp>

namespace nbsync::lab {

// "" when NetBox would accept `conditions` (null too), else its complaint.
std::string condition_problem(const nlohmann::json& conditions);
// Whether `data` (the object as the REST API shows it) meets `conditions`; null: always.
bool conditions_match(const nlohmann::json& conditions, const nlohmann::json& data);

}  // namespace nbsync::lab
