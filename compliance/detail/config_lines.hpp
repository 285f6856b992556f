#pragma once
// A config cut into lines once (views into the caller's text, no copies) and the sections
// rules look into. IOS style: a header and the following lines indented deeper (blank
// lines do not end a section). Brace style: `header {` up to its matching `}`.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "backup/pattern.hpp"

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
  void indent_sections(const backup::Pattern& parent, std::vector<Section>& out) const;
  void brace_sections(const backup::Pattern& parent, std::vector<Section>& out) const;

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

// Leading spaces and tabs of a line.
std::size_t indentation(std::string_view line);
// The line without leading and trailing blanks.
std::string_view trim(std::string_view line);

}  // namespace nbsync::compliance::detail
