#include "web/word_diff.hpp"

#include <dtl/dtl.hpp>

#include <algorithm>
#include <vector>

#include "web/html.hpp"

namespace nbsync::web {
namespace {

std::vector<std::string_view> words_and_spaces(std::string_view line) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  while (start < line.size()) {
    const bool space = line[start] == ' ' || line[start] == '\t';
    std::size_t end = start;
    while (end < line.size() && (line[end] == ' ' || line[end] == '\t') == space) {
      ++end;
    }
    tokens.push_back(line.substr(start, end - start));
    start = end;
  }
  return tokens;
}

// Escaped tokens; those with `changed[i]` set are wrapped in one <mark> per run.
std::string marked_html(const std::vector<std::string_view>& tokens, const std::vector<bool>& changed) {
  std::string html;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (changed[i] && (i == 0 || !changed[i - 1])) {
      html.append("<mark>");
    }
    html.append(escape_html(tokens[i]));
    if (changed[i] && (i + 1 == tokens.size() || !changed[i + 1])) {
      html.append("</mark>");
    }
  }
  return html;
}

// Marks every token between the common start and the common end of the two lines.
void mark_middle(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
                 std::vector<bool>& changed_a, std::vector<bool>& changed_b) {
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
    ++prefix;
  }
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  std::fill(changed_a.begin() + static_cast<std::ptrdiff_t>(prefix),
            changed_a.end() - static_cast<std::ptrdiff_t>(suffix), true);
  std::fill(changed_b.begin() + static_cast<std::ptrdiff_t>(prefix),
            changed_b.end() - static_cast<std::ptrdiff_t>(suffix), true);
}

// Marks the tokens dtl's shortest edit script deletes from `a` or adds to `b`.
void mark_edits(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
                std::vector<bool>& changed_a, std::vector<bool>& changed_b) {
  dtl::Diff<std::string_view, std::vector<std::string_view>> diff(a, b);
  diff.compose();
  for (const auto& [token, info] : diff.getSes().getSequence()) {
    if (info.type == dtl::SES_DELETE) {
      changed_a[static_cast<std::size_t>(info.beforeIdx - 1)] = true;
    } else if (info.type == dtl::SES_ADD) {
      changed_b[static_cast<std::size_t>(info.afterIdx - 1)] = true;
    }
  }
}

bool is_space(std::string_view token) {
  return token[0] == ' ' || token[0] == '\t';
}

// Words are marked, spaces only between two changed words (one <mark> covers "a b"): which
// of two equal spaces an edit script took is arbitrary, and a mark should not depend on it.
void mark_words_only(const std::vector<std::string_view>& tokens, std::vector<bool>& changed) {
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (is_space(tokens[i])) {
      changed[i] = i > 0 && i + 1 < tokens.size() && changed[i - 1] && changed[i + 1];
    }
  }
}

}  // namespace

MarkedPair mark_changed_words(std::string_view before, std::string_view after) {
  const auto a = words_and_spaces(before);
  const auto b = words_and_spaces(after);
  std::vector<bool> changed_a(a.size(), false);
  std::vector<bool> changed_b(b.size(), false);
  if (a.size() > k_max_word_diff_tokens || b.size() > k_max_word_diff_tokens) {
    mark_middle(a, b, changed_a, changed_b);
  } else {
    mark_edits(a, b, changed_a, changed_b);
  }
  mark_words_only(a, changed_a);
  mark_words_only(b, changed_b);
  return {marked_html(a, changed_a), marked_html(b, changed_b)};
}

}  // namespace nbsync::web
