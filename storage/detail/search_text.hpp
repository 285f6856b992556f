#pragma once
// How PostgreSQL's search index (schema step 10: config_search, a pg_trgm GIN index over
// one text per device) spells configs and the literals a search needs. Both are folded the
// same way, in C++ so that no server locale takes part: ASCII letters to lower case, and
// every other byte that is not printable ASCII (UTF-8 sequences, NUL, control bytes) to a
// space. A literal then narrows by its runs of at least three foldable bytes, each a
// LIKE '%run%' over the folded text: a config holding the literal holds each run, so the
// narrowed set is a superset (as SQLite's trigrams give) and the regex decides.
#include <string>
#include <string_view>
#include <vector>

namespace nbsync::storage::detail {

// The text the index holds for `config`: printable ASCII only, letters in lower case.
std::string searchable_text(std::string_view config);

// One LIKE pattern ('%run%', with \ % _ escaped by a backslash) per distinct run of the
// literals; empty when none has a run long enough to narrow.
std::vector<std::string> like_patterns(const std::vector<std::string>& required_literals);

}  // namespace nbsync::storage::detail
