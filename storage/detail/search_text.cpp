#include "storage/detail/search_text.hpp"

#include <set>

namespace nbsync::storage::detail {
namespace {

// Shorter runs give pg_trgm no trigram of their own (as on SQLite, where a literal
// shorter than three bytes cannot narrow).
constexpr std::size_t k_min_run = 3;

bool foldable(char c) {
  return c >= 0x20 && c < 0x7f;  // printable ASCII, space included
}

char folded(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

void add_pattern(std::set<std::string>& patterns, std::string_view run) {
  if (run.size() < k_min_run) {
    return;
  }
  std::string pattern = "%";
  for (const char c : run) {
    if (c == '\\' || c == '%' || c == '_') {
      pattern.push_back('\\');
    }
    pattern.push_back(folded(c));
  }
  pattern.push_back('%');
  patterns.insert(std::move(pattern));
}

}  // namespace

std::string searchable_text(std::string_view config) {
  std::string text(config);
  for (char& c : text) {
    c = foldable(c) ? folded(c) : ' ';  // line breaks too: a run never holds one
  }
  return text;
}

std::vector<std::string> like_patterns(const std::vector<std::string>& required_literals) {
  std::set<std::string> patterns;
  for (const std::string& literal : required_literals) {
    std::size_t start = 0;
    for (std::size_t i = 0; i <= literal.size(); ++i) {
      if (i == literal.size() || !foldable(literal[i])) {
        add_pattern(patterns, std::string_view(literal).substr(start, i - start));
        start = i + 1;
      }
    }
  }
  return {patterns.begin(), patterns.end()};
}

}  // namespace nbsync::storage::detail
