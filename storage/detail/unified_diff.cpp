#include "storage/detail/unified_diff.hpp"

#include <dtl/dtl.hpp>

#include <cstdio>
#include <sstream>
#include <vector>

#include "storage/detail/line_diff.hpp"

namespace nbsync::storage::detail {
namespace {

// dtl's full diff needs memory that grows with lines x changes; past this many changed
// lines an excerpt is not worth it (the count says enough; `nbsync diff` shows it all).
constexpr std::int64_t k_max_changed_lines = 600;
constexpr std::size_t k_context = 3;

// "@@ -a,b +c,d @@" with both starts moved by `offset` lines.
std::string shift_hunk_header(const std::string& line, std::size_t offset) {
  long a = 0, b = 0, c = 0, d = 0;
  if (std::sscanf(line.c_str(), "@@ -%ld,%ld +%ld,%ld @@", &a, &b, &c, &d) != 4) {
    return line;
  }
  char out[96];
  std::snprintf(out, sizeof out, "@@ -%ld,%ld +%ld,%ld @@", a + static_cast<long>(offset), b,
                c + static_cast<long>(offset), d);
  return out;
}

}  // namespace

std::string unified_diff_excerpt(std::string_view before, std::string_view after, std::size_t max_lines) {
  const auto changes = count_line_changes(before, after);
  if (changes.added + changes.removed > k_max_changed_lines) {
    return std::string("(")
        .append(std::to_string(changes.added + changes.removed))
        .append(" changed lines: too many to show here)\n");
  }
  const auto a_all = split_lines(before);
  const auto b_all = split_lines(after);
  // Lines the two versions share at the start and the end need no diffing: the work (and
  // dtl's memory) is then proportional to the changed middle, not to the whole config.
  std::size_t prefix = 0;
  while (prefix < a_all.size() && prefix < b_all.size() && a_all[prefix] == b_all[prefix])
    ++prefix;
  std::size_t suffix = 0;
  while (suffix < a_all.size() - prefix && suffix < b_all.size() - prefix &&
         a_all[a_all.size() - 1 - suffix] == b_all[b_all.size() - 1 - suffix]) {
    ++suffix;
  }
  const std::size_t keep_before = std::min(prefix, k_context);
  const std::size_t keep_after = std::min(suffix, k_context);
  const std::size_t offset = prefix - keep_before;
  std::vector<std::string> a(a_all.begin() + static_cast<std::ptrdiff_t>(offset),
                             a_all.end() - static_cast<std::ptrdiff_t>(suffix - keep_after));
  std::vector<std::string> b(b_all.begin() + static_cast<std::ptrdiff_t>(offset),
                             b_all.end() - static_cast<std::ptrdiff_t>(suffix - keep_after));
  dtl::Diff<std::string> diff(a, b);
  diff.compose();
  diff.composeUnifiedHunks();
  std::ostringstream text;
  diff.printUnifiedFormat(text);
  std::string out;
  std::istringstream lines(text.str());
  std::string line;
  std::size_t count = 0;
  while (std::getline(lines, line)) {
    if (count == max_lines) {
      out += "...\n";
      break;
    }
    out.append(line.starts_with("@@") ? shift_hunk_header(line, offset) : line).push_back('\n');
    ++count;
  }
  return out;
}

}  // namespace nbsync::storage::detail
