#pragma once
// The totals of one finished run, as stored in the runs table: attempts by outcome, how
// many stored a new snapshot, how many devices were retired. Every attempt is counted once.
#include <cstdint>
#include <map>

#include "types/outcome_kind.hpp"

namespace nbsync::storage {

struct RunSummary {
  std::int64_t run_id = 0;
  std::int64_t attempts = 0;
  std::int64_t changed = 0;
  std::int64_t retired = 0;
  std::int64_t pruned_versions = 0;  // old versions removed by retention after the run
  std::int64_t indexed = 0;          // configs the writer added to the search index while idle during the run
  std::map<OutcomeKind, std::int64_t> by_outcome;  // outcomes with no attempt are absent
};

}  // namespace nbsync::storage
