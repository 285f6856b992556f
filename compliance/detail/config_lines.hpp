#pragma once
// A config cut into lines once (views into the caller's text, no copies) and the sections
// rules look into. IOS style: a header and the following lines indented deeper (blank
// lines do not end a section). Brace style: `header {` up to its matching `}`.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "types/pattern.hpp"

namespace nbsync::compliance::detail {

struct Section {
  std::size_t header = 0;  // index of the header line
  std::size_t begin = 0;   // body: lines [begin, end)
  std::size_t end = 0;
};

class ConfigLines {
public:
  // `config` must outlive this object. A trailing '\r' is not part of a line.
  explicit ConfigLines(std::string_view config);

  std::size_t size() const { return m_lines.size(); }
  std::string_view operator[](std::size_t index) const { return m_lines[index]; }
  // True when some line ends in " {": Junos-style curly-brace text.
  bool looks_like_braces() const { return m_braces; }

  // Every section whose header line matches `parent`, in config order (nested ones too).
  void indent_sections(const Pattern& parent, std::vector<Section>& out) const;
  void brace_sections(const Pattern& parent, std::vector<Section>& out) const;

  // The text lines [begin, end) span in the config, newlines included (empty when begin == end).
  std::string_view span(std::size_t begin, std::size_t end) const;
  // The index of the line in [begin, end) that holds `position`, a pointer into span(begin, end).
  std::size_t line_at(const char* position, std::size_t begin, std::size_t end) const;

  // The header line as a label: surrounding blanks and a trailing "{" removed.
  std::string_view header_label(std::size_t index) const;

private:
  // For each line that opens a brace block not closed on the same line: the index of the
  // line that closes it (size() when the text ends first); npos for other lines.
  const std::vector<std::size_t>& block_ends() const;

  std::vector<std::string_view> m_lines;
  bool m_braces = false;
  mutable std::vector<std::size_t> m_block_ends;
  mutable bool m_block_ends_ready = false;
};

// The longest run of plain characters every match of `source` must contain, or "" when
// none is certain. Conservative: any alternation gives "", and the scan stops at escapes,
// groups, classes and counted repeats, so what it returns is always required.
std::string_view required_literal(std::string_view source);

// Calls visit(i) for every line i in [begin, end) that can match a pattern whose matches
// all contain `literal` (every line when it is empty); stops when visit returns false.
// Finding the literal in the section's text skips most lines without running the regex.
template <typename Visit>
void candidate_lines(const ConfigLines& lines, std::size_t begin, std::size_t end, std::string_view literal,
                     Visit&& visit) {
  if (literal.size() < 2) {
    for (std::size_t i = begin; i < end; ++i) {
      if (!visit(i)) {
        return;
      }
    }
    return;
  }
  const std::string_view text = lines.span(begin, end);
  std::size_t from = 0;
  while (from < text.size()) {
    // glibc's memmem is much faster than string_view::find on text full of the literal's
    // first character (configs are full of spaces).
    const void* found = memmem(text.data() + from, text.size() - from, literal.data(), literal.size());
    if (found == nullptr) {
      return;
    }
    const std::size_t i = lines.line_at(static_cast<const char*>(found), begin, end);
    if (!visit(i)) {
      return;
    }
    from = static_cast<std::size_t>(lines[i].data() + lines[i].size() - text.data()) + 1;
  }
}

// Leading spaces and tabs of a line.
std::size_t indentation(std::string_view line);
// The line without leading and trailing blanks.
std::string_view trim(std::string_view line);

}  // namespace nbsync::compliance::detail
