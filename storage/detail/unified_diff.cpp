#include "storage/detail/unified_diff.hpp"

#include <dtl/dtl.hpp>

#include <sstream>
#include <vector>

#include "storage/detail/line_diff.hpp"

namespace nbsync::storage::detail {

std::string unified_diff_excerpt(std::string_view before, std::string_view after, std::size_t max_lines) {
  std::vector<std::string> a, b;
  for (auto line : split_lines(before))
    a.emplace_back(line);
  for (auto line : split_lines(after))
    b.emplace_back(line);
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
    out.append(line).push_back('\n');
    ++count;
  }
  return out;
}

}  // namespace nbsync::storage::detail
