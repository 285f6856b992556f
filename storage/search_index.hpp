#pragma once
// The search index (config_search: FTS5, one document per device, its latest config) is
// kept up to date outside the writer's per-attempt transaction: indexing every first
// backup on the writer's critical path slowed the whole pipeline and filled its queue.
// Instead the writer indexes new versions a few at a time whenever its queue is empty
// (index_devices_now), and a pass after the run catches the rest (update_search_index; a
// cycle runs it beside its drift check and delivery: daemon/search_index_pass.hpp).
// search_index_state says which version of each device is indexed, search_index_pending
// which devices' newest version is not (a trigger adds a device when a version is stored,
// indexing it takes it out); ConfigSearch reads every device whose latest version is not indexed yet, so a search is
// complete at any moment, only less narrowed. Once the fleet has enough configs, the common trigrams the index leaves
// out are chosen (detail/trigrams.hpp) and the index is rebuilt without them.
#include <cstdint>
#include <span>
#include <stop_token>

#include "storage/database.hpp"

namespace nbsync::storage {

// Indexes every device whose latest version is not the indexed one (removing the old text
// first), in transactions of a few hundred devices, until `stop` (between them). Returns
// how many were indexed. On PostgreSQL one connection at a time runs it: while another
// does, it returns 0 at once. Throws DatabaseError naming the file.
std::int64_t update_search_index(Database& database, const std::stop_token& stop = {});

struct IdleIndexResult {
  std::int64_t indexed = 0;
  bool plan_chosen = false;  // false: nothing indexed, the fleet is too small yet
};

// During a run, when the writer has nothing else to do: indexes those of `device_ids`
// whose latest version is not indexed yet, in one transaction. Only once the common
// trigrams are chosen (here, once the fleet has 500 configs): anything indexed before
// that would be redone when they are. update_search_index() after the run still catches
// every device left. Throws DatabaseError naming the file.
IdleIndexResult index_devices_now(Database& database, std::span<const std::int64_t> device_ids);

}  // namespace nbsync::storage
