#pragma once
// "Since when has this device been out of compliance with a rule", from the results the
// cycles stored per snapshot (compliance_results): the time of the oldest version in the
// unbroken run of failing versions that ends with the newest checked one. When a version
// was checked by several rule sets, its newest result counts.
#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.hpp"

namespace nbsync::storage {

// None when the newest checked version passed, or no result for `rule` is stored.
// Throws DatabaseError naming the file.
std::optional<std::int64_t> compliance_failing_since(Database& database, std::int64_t device_id,
                                                     const std::string& rule);

}  // namespace nbsync::storage
