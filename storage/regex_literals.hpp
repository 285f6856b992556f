#pragma once
// The literal strings every match of a regular expression must contain, so an index can
// narrow the configs to read before the regex itself confirms. Conservative: when unsure
// (top-level alternation, extended mode, anything it does not parse), it returns fewer
// literals or none, never one a match could lack. Groups and classes are skipped whole.
#include <string>
#include <string_view>
#include <vector>

namespace nbsync::storage {

std::vector<std::string> required_literals(std::string_view regex);

}  // namespace nbsync::storage
