#pragma once
// The whole unified diff (dtl) of two texts, three lines of context, hunks only (no
// "---"/"+++" header): what `nbsync diff` prints. Lines both texts share at the start and
// end are skipped before diffing, so time and memory follow the changed middle.
#include <cstdint>
#include <string>
#include <string_view>

namespace nbsync::storage::detail {

struct FullDiff {
  std::string text;  // "" when the texts have the same lines
  std::int64_t added = 0;
  std::int64_t removed = 0;
};

FullDiff full_unified_diff(std::string_view before, std::string_view after);

}  // namespace nbsync::storage::detail
