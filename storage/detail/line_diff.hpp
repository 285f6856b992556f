#pragma once
// Line-level change counts between two texts (dtl's Myers edit distance over lines).
// added + removed is the minimal edit script; a line changed in place counts once in each.
// A final line without '\n' is a line; "a\n" and "a" have the same one line.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nbsync::storage::detail {

struct LineChanges {
  std::int64_t added = 0;
  std::int64_t removed = 0;
};

std::vector<std::string_view> split_lines(std::string_view text);
LineChanges count_line_changes(std::string_view before, std::string_view after);

}  // namespace nbsync::storage::detail
