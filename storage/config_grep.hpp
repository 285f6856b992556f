#pragma once
// What `nbsync search` and the viewer's search page share: the search pattern compiled
// with a message a user can act on, and the lines of one config it matches. The index
// narrows with required_literals() (storage/regex_literals.hpp); these decide.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "types/pattern.hpp"

namespace nbsync::storage {

// PCRE2; throws std::invalid_argument saying what is wrong ("the search pattern is empty;
// ..." or "bad regular expression '...': <PCRE2's words> (PCRE2 syntax)").
Pattern compile_search_pattern(const std::string& regex);

// Calls `on_match(line_number, line)` (numbered from 1, without its "\r\n") for every line
// of `text` that `pattern` matches, in order, until it returns false. Returns the count.
std::int64_t for_each_matching_line(const Pattern& pattern, std::string_view text,
                                    const std::function<bool(std::int64_t, std::string_view)>& on_match);

}  // namespace nbsync::storage
