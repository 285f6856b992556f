#pragma once
// The words that changed between two versions of one line, for the side-by-side diff: each
// line is split into words (runs of non-space) and the spaces between them, the two word
// lists are diffed (dtl), and each side comes back as escaped HTML with its changed words
// in <mark>. Lines of more than k_max_word_diff_tokens tokens are compared by their common
// start and end instead, so a pathological line costs linear time.
#include <cstddef>
#include <string>
#include <string_view>

namespace nbsync::web {

inline constexpr std::size_t k_max_word_diff_tokens = 400;

struct MarkedPair {
  std::string before_html;  // the removed line, escaped, words only it has in <mark>
  std::string after_html;   // the added line, escaped, words only it has in <mark>
};

MarkedPair mark_changed_words(std::string_view before, std::string_view after);

}  // namespace nbsync::web
