#pragma once
// NetBox 3.7's shapes of the objects the lab keeps in 4.x terms, both ways: custom fields
// and custom links name their object types `content_types` (4.x object_types) and a custom
// field's target `object_type` (4.x related_object_type); event rules also say which events
// with type_create/type_update/type_delete/type_job_start/type_job_end booleans (4.x
// event_types). A 3.7 client's body is turned into 4.x terms before the lab's checks, and
// their 400 and the objects shown are turned back (as a real 3.7.8 answered, shared/netbox/real/).
#include <nlohmann/json.hpp>

namespace nbsync::lab {

// An object shown by the lab (4.x terms) as 3.7 shows it.
nlohmann::json shown_as_3_7(nlohmann::json object);
// A 3.7 client's create body in 4.x terms; a 4.x key in it is unknown to 3.7 and dropped, as DRF does.
nlohmann::json body_from_3_7(nlohmann::json body);
// A 400's field errors (4.x terms) as 3.7 names the fields.
nlohmann::json errors_as_3_7(nlohmann::json errors);
// 3.7's own check of an event rule body, before the 4.x ones: at least one type_* set
// (3.7's EventRule.clean()). Empty when the body passes.
nlohmann::json event_rule_errors_3_7(const nlohmann::json& body);

}  // namespace nbsync::lab
