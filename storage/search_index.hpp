#pragma once
// The search index (config_search: FTS5, one document per device, its latest config) is
// brought up to date after a run rather than inside the writer's per-attempt transaction:
// indexing every first backup on the writer's critical path slowed the whole pipeline
// and filled its queue. search_index_state says which version of each device is indexed;
// ConfigSearch reads every device whose latest version is not indexed yet, so a search
// is complete at any moment, only less narrowed. Once the fleet has enough configs, the
// first pass chooses the common trigrams the index leaves out (detail/trigrams.hpp) and
// rebuilds it without them.
#include <cstdint>

#include "storage/database.hpp"

namespace nbsync::storage {

// Indexes every device whose latest version is not the indexed one (removing the old text
// first), in transactions of a few hundred devices. Returns how many were indexed.
// Throws DatabaseError naming the file.
std::int64_t update_search_index(Database& database);

}  // namespace nbsync::storage
