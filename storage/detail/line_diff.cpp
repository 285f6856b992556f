#include "storage/detail/line_diff.hpp"

#include <dtl/dtl.hpp>

namespace nbsync::storage::detail {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

LineChanges count_line_changes(std::string_view before, std::string_view after) {
  const std::vector<std::string_view> a = split_lines(before);
  const std::vector<std::string_view> b = split_lines(after);
  // Only the edit distance is needed: with insertions and deletions only,
  // distance = added + removed and |b| - |a| = added - removed.
  dtl::Diff<std::string_view, std::vector<std::string_view>> diff(a, b);
  diff.onOnlyEditDistance();
  diff.compose();
  const auto distance = static_cast<std::int64_t>(diff.getEditDistance());
  const auto growth = static_cast<std::int64_t>(b.size()) - static_cast<std::int64_t>(a.size());
  return LineChanges{(distance + growth) / 2, (distance - growth) / 2};
}

}  // namespace nbsync::storage::detail
