// The diff builders over two texts: the input's first half is the old config, the second
// half the new one. Invariants: a text against itself has no diff; full_unified_diff's
// counts equal count_line_changes' and its '+'/'-' lines; applying its hunks (with their
// line numbers) to the old text gives the new one; unified_diff_excerpt is the full diff
// cut after `max_lines` lines with "...", or the too-many-changes line.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "storage/detail/full_unified_diff.hpp"
#include "storage/detail/line_diff.hpp"
#include "storage/detail/unified_diff.hpp"

namespace {

using namespace nbsync::storage::detail;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

// Applies the hunks of `diff` to the lines of `before`, checking every context and
// removed line against what is there; the lines it gives.
std::vector<std::string_view> apply(const std::vector<std::string_view>& before, std::string_view diff) {
  std::vector<std::string_view> out;
  std::size_t next = 0;  // index into before of the first line not yet copied
  for (const auto line : split_lines(diff)) {
    if (line.starts_with("@@")) {
      long long a = 0, b = 0, c = 0, d = 0;
      const std::string header(line);
      check(std::sscanf(header.c_str(), "@@ -%lld,%lld +%lld,%lld @@", &a, &b, &c, &d) == 4, "a bad hunk header");
      // A hunk starts at line a (1-based). A side without lines is an empty text, which dtl
      // numbers 1 (GNU diff: 0); nbsync never stores an empty config.
      const auto first = static_cast<std::size_t>(a > 0 ? a - 1 : 0);
      check(b > 0 || before.empty(), "a hunk without old lines in a text that has some");
      check(first >= next && first <= before.size(), "a hunk starts before the previous one ended");
      out.insert(out.end(), before.begin() + static_cast<std::ptrdiff_t>(next),
                 before.begin() + static_cast<std::ptrdiff_t>(first));
      check(static_cast<long long>(out.size()) == (c > 0 ? c - 1 : 0), "a hunk's new start is off");
      next = first;
      continue;
    }
    check(!line.empty(), "an empty diff line");
    const std::string_view text = line.substr(1);
    if (line[0] == '+') {
      out.push_back(text);
    } else {
      check(line[0] == ' ' || line[0] == '-', "a diff line without ' ', '+' or '-'");
      check(next < before.size() && before[next] == text, "a context or removed line is not in the old text");
      if (line[0] == ' ') {
        out.push_back(text);
      }
      ++next;
    }
  }
  out.insert(out.end(), before.begin() + static_cast<std::ptrdiff_t>(next), before.end());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view before = input.substr(0, size / 2);
  const std::string_view after = input.substr(size / 2);

  const auto same = full_unified_diff(before, before);
  check(same.text.empty() && same.added == 0 && same.removed == 0, "a text differs from itself");
  const auto none = count_line_changes(after, after);
  check(none.added == 0 && none.removed == 0, "a text has line changes against itself");

  const auto full = full_unified_diff(before, after);
  const auto counts = count_line_changes(before, after);
  check(full.added == counts.added && full.removed == counts.removed, "the two diff counts disagree");
  std::int64_t plus = 0, minus = 0;
  for (const auto line : split_lines(full.text)) {
    plus += line.starts_with('+');
    minus += line.starts_with('-');
  }
  check(plus == full.added && minus == full.removed, "the diff's +/- lines disagree with its counts");
  check(full.text.empty() == (split_lines(before) == split_lines(after)), "a diff of different texts is empty");
  check(apply(split_lines(before), full.text) == split_lines(after), "the hunks do not turn old into new");

  const std::size_t max_lines = 1 + size % 40;
  const std::string excerpt = unified_diff_excerpt(before, after, max_lines);
  if (counts.added + counts.removed > 600) {
    check(excerpt.find("changed lines: too many to show here") != std::string::npos, "a huge diff shown whole");
  } else if (excerpt != full.text) {
    check(excerpt.ends_with("...\n") && full.text.starts_with(excerpt.substr(0, excerpt.size() - 4)),
          "the excerpt is not a prefix of the diff");
    check(split_lines(excerpt).size() == max_lines + 1, "the excerpt is not cut after max_lines");
  }
  return 0;
}
