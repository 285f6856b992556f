#pragma once
// How PostgreSQL's search index (schema step 15: config_search, one integer[] of trigram
// keys per device under a GIN index) spells a config and a search. The trigrams are
// SQLite's (detail/trigrams.hpp: three bytes within one line, ASCII letters folded, the
// plan's common trigrams left out), each as its 24-bit key; a search narrows to the devices
// whose array contains (@>) every key its literals give, as FTS5's AND of trigrams does.
// On 1,000 lab configs (nbsync-bench-search; bench/results.md, "Search index on PostgreSQL:
// trigram arrays") its pass after the run took 3.3 s where pg_trgm over the text took 8.3.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "storage/detail/trigrams.hpp"

namespace nbsync::storage::detail {

// The distinct trigram keys of `config` that `common` does not hold, as a PostgreSQL array
// literal ("{6516577,7239026}"; "{}" for none).
std::string trigram_array(std::string_view config, const CommonTrigrams& common);

// `keys` as a PostgreSQL array literal.
std::string trigram_array(const std::set<std::uint32_t>& keys);

}  // namespace nbsync::storage::detail
