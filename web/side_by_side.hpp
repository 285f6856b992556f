#pragma once
// A unified diff (hunks only, as storage::ConfigDiff holds it) laid out side by side as an
// HTML table: the old version on the left, the new on the right, each line with its number.
// Context lines face themselves; in each run of changed lines the removed lines are paired
// in order with the added ones (the longer side's rest faces an empty cell), and within a
// pair the changed words are marked (web/word_diff.hpp). Every text is escaped.
#include <string>
#include <string_view>

namespace nbsync::web {

std::string side_by_side_html(std::string_view unified);

}  // namespace nbsync::web
