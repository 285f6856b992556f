#include "lab/netbox_shapes_3_7.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace nbsync::lab {
namespace {

using json = nlohmann::json;

// 3.7's event type booleans and the 4.x event type each stands for.
constexpr std::pair<const char*, const char*> k_event_flags[] = {{"type_create", "object_created"},
                                                                 {"type_update", "object_updated"},
                                                                 {"type_delete", "object_deleted"},
                                                                 {"type_job_start", "job_started"},
                                                                 {"type_job_end", "job_completed"}};

constexpr std::pair<const char*, const char*> k_renamed[] = {{"object_types", "content_types"},
                                                             {"related_object_type", "object_type"}};

void rename(json& object, const char* from, const char* to) {
  if (object.contains(from)) {
    object[to] = std::move(object[from]);
    object.erase(from);
  }
}

}  // namespace

json shown_as_3_7(json object) {
  if (!object.is_object()) {
    return object;
  }
  for (const auto& [from, to] : k_renamed) {
    rename(object, from, to);
  }
  if (object.contains("event_types")) {
    const json types = std::move(object["event_types"]);
    object.erase("event_types");
    for (const auto& [flag, type] : k_event_flags) {
      object[flag] = types.is_array() && std::find(types.begin(), types.end(), type) != types.end();
    }
  }
  return object;
}

json body_from_3_7(json body) {
  if (!body.is_object()) {
    return body;
  }
  for (const auto& [to, from] : k_renamed) {
    body.erase(to);
    rename(body, from, to);
  }
  body.erase("event_types");
  json types = json::array();
  bool flags = false;
  for (const auto& [flag, type] : k_event_flags) {
    if (body.contains(flag)) {
      flags = true;
      if (body[flag] == true) {
        types.push_back(type);
      }
      body.erase(flag);
    }
  }
  if (flags) {
    body["event_types"] = std::move(types);
  }
  return body;
}

json errors_as_3_7(json errors) {
  if (!errors.is_object()) {
    return errors;
  }
  for (const auto& [from, to] : k_renamed) {
    rename(errors, from, to);
  }
  errors.erase("event_types");  // 3.7 has its own check (event_rule_errors_3_7)
  return errors;
}

json event_rule_errors_3_7(const json& body) {
  if (!body.is_object()) {
    return json::object();
  }
  for (const auto& [flag, type] : k_event_flags) {
    if (body.contains(flag) && body[flag] == true) {
      return json::object();
    }
  }
  return {{"__all__",
           json::array({"At least one event type must be selected: create, update, delete, job start, and/or job "
                        "end."})}};
}

}  // namespace nbsync::lab
