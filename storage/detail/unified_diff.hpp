#pragma once
// A unified diff (dtl) of two texts, cut to at most `max_lines` lines, with "..." when
// cut. For journal entries and messages, not for applying.
#include <cstddef>
#include <string>
#include <string_view>

#include "storage/detail/line_diff.hpp"

namespace nbsync::storage::detail {

std::string unified_diff_excerpt(std::string_view before, std::string_view after, std::size_t max_lines);
// The same, for a caller that has counted the changed lines already (one count per change).
std::string unified_diff_excerpt(std::string_view before, std::string_view after, const LineChanges& changes,
                                 std::size_t max_lines);

}  // namespace nbsync::storage::detail
