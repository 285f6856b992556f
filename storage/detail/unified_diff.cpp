#include "storage/detail/unified_diff.hpp"

#include "storage/detail/full_unified_diff.hpp"
#include "storage/detail/line_diff.hpp"

namespace nbsync::storage::detail {
namespace {

// A full diff needs memory that grows with lines x changes; past this many changed lines
// an excerpt is not worth it (the count says enough; `nbsync diff` shows it all).
constexpr std::int64_t k_max_changed_lines = 600;

}  // namespace

std::string unified_diff_excerpt(std::string_view before, std::string_view after, std::size_t max_lines) {
  return unified_diff_excerpt(before, after, count_line_changes(before, after), max_lines);
}

std::string unified_diff_excerpt(std::string_view before, std::string_view after, const LineChanges& changes,
                                 std::size_t max_lines) {
  if (changes.added + changes.removed > k_max_changed_lines) {
    return std::string("(")
        .append(std::to_string(changes.added + changes.removed))
        .append(" changed lines: too many to show here)\n");
  }
  const std::string text = full_unified_diff(before, after).text;
  std::size_t end = 0;
  for (std::size_t line = 0; line < max_lines; ++line) {
    end = text.find('\n', end);
    if (end == std::string::npos) {
      return text;
    }
    ++end;
  }
  return end >= text.size() ? text : text.substr(0, end) + "...\n";
}

}  // namespace nbsync::storage::detail
