#include "storage/detail/full_unified_diff.hpp"

#include <dtl/dtl.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include "storage/detail/line_diff.hpp"

namespace nbsync::storage::detail {
namespace {

constexpr std::size_t k_context = 3;  // dtl's DTL_SEPARATE_SIZE

// "@@ -a,b +c,d @@" with both starts moved by `offset` lines (the skipped common prefix).
std::string shift_hunk_header(const std::string& line, std::size_t offset) {
  long long a = 0, b = 0, c = 0, d = 0;
  if (offset == 0 || std::sscanf(line.c_str(), "@@ -%lld,%lld +%lld,%lld @@", &a, &b, &c, &d) != 4) {
    return line;
  }
  const auto shift = static_cast<long long>(offset);
  std::string out = "@@ -";
  out.append(std::to_string(a + shift)).append(",").append(std::to_string(b));
  out.append(" +").append(std::to_string(c + shift)).append(",").append(std::to_string(d)).append(" @@");
  return out;
}

}  // namespace

FullDiff full_unified_diff(std::string_view before, std::string_view after) {
  const auto a_all = split_lines(before);
  const auto b_all = split_lines(after);
  std::size_t prefix = 0;
  while (prefix < a_all.size() && prefix < b_all.size() && a_all[prefix] == b_all[prefix]) {
    ++prefix;
  }
  std::size_t suffix = 0;
  while (suffix < a_all.size() - prefix && suffix < b_all.size() - prefix &&
         a_all[a_all.size() - 1 - suffix] == b_all[b_all.size() - 1 - suffix]) {
    ++suffix;
  }
  FullDiff result;
  if (prefix == a_all.size() && prefix == b_all.size()) {
    return result;
  }
  const std::size_t offset = prefix - std::min(prefix, k_context);
  const std::size_t keep_after = std::min(suffix, k_context);
  const std::vector<std::string> a(a_all.begin() + static_cast<std::ptrdiff_t>(offset),
                                   a_all.end() - static_cast<std::ptrdiff_t>(suffix - keep_after));
  const std::vector<std::string> b(b_all.begin() + static_cast<std::ptrdiff_t>(offset),
                                   b_all.end() - static_cast<std::ptrdiff_t>(suffix - keep_after));
  dtl::Diff<std::string> diff(a, b);
  diff.compose();
  for (const auto& [line, info] : diff.getSes().getSequence()) {
    if (info.type == dtl::SES_ADD) {
      ++result.added;
    } else if (info.type == dtl::SES_DELETE) {
      ++result.removed;
    }
  }
  diff.composeUnifiedHunks();
  std::ostringstream printed;
  diff.printUnifiedFormat(printed);
  std::istringstream lines(printed.str());
  std::string line;
  while (std::getline(lines, line)) {
    result.text.append(line.starts_with("@@") ? shift_hunk_header(line, offset) : line).push_back('\n');
  }
  return result;
}

}  // namespace nbsync::storage::detail
