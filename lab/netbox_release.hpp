#pragma once
// The NetBox release the lab's API behaves as (nbsync-lab --netbox-version 3.7|4.2|4.7),
// and what differs between them as far as nbsync's calls go (shared/netbox/API-NOTES.md,
// shared/netbox/real/ for 3.7.8). Each difference is one question, so the routes ask
// "does this release do X" instead of comparing version strings.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nbsync::lab {

class NetboxRelease {
public:
  // "3.7", "4.2" or "4.7" (emulated_releases()); throws std::invalid_argument otherwise.
  explicit NetboxRelease(const std::string& major_minor);
  static const std::vector<std::string>& emulated_releases();

  const std::string& full_version() const { return m_full; }  // "3.7.8": /api/status/'s netbox-version
  const std::string& api_version() const { return m_api; }    // "3.7": the API-Version header
  bool v3() const { return m_major == 3; }

  // 3.7: custom fields, links and event rules name `content_types` (4.0: object_types),
  // event rules type_create/type_update (4.0: event_types), devices carry device_role.
  bool content_types() const { return v3(); }
  bool fields_param() const { return at_least(4, 0); }  // ?fields=a,b
  bool omit_param() const { return at_least(4, 5); }    // ?omit=a,b (4.5.2)
  bool v2_tokens() const { return at_least(4, 5); }     // Bearer nbt_<key>.<token>
  bool etag() const { return at_least(4, 6); }          // ETag on a device, If-Match on its PATCH
  // API-Version on every answer (4.3.5); before, only when the request says Content-Type: application/json.
  bool api_version_always() const { return at_least(4, 4); }
  // 4.5.8: an unknown custom field in a write is 400 under "custom_fields" (before: "__all__").
  bool unknown_field_under_custom_fields() const { return at_least(4, 5); }
  // 4.7: a select custom field's value reads as {"value", "label"} (before: the bare value).
  bool choice_custom_fields() const { return at_least(4, 7); }

  // GET /api/status/ as this release answers it.
  nlohmann::json status_body() const;

private:
  bool at_least(int major, int minor) const { return m_major > major || (m_major == major && m_minor >= minor); }

  int m_major = 4;
  int m_minor = 2;
  std::string m_full;
  std::string m_api;
};

}  // namespace nbsync::lab
