#pragma once
// `nbsync search REGEX`: every line of every device's latest config that a PCRE2 pattern
// matches, as `device:line: text` (or JSON). The search index narrows which configs are
// read; every line is still checked by the pattern, so the answer is always complete.
#include <string>

#include "config/config.hpp"

namespace nbsync::commands {

struct SearchOptions {
  std::string regex;     // PCRE2, matched against each line of each device's latest config
  std::string platform;  // NetBox slugs; empty matches all
  std::string site;
  std::string role;
  bool json = false;
};
// 0 when something matched, 1 when nothing did (like grep).
int run_search(const Config& config, const SearchOptions& options);

}  // namespace nbsync::commands
