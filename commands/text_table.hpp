#pragma once
// Columns of plain text lined up for a terminal: a header row, then rows of the same
// width; each column is as wide as its widest cell as a terminal shows it (display
// width, so "são-paulo" or CJK names line up), numbers may be right-aligned.
#include <string>
#include <string_view>
#include <vector>

namespace nbsync::commands {

// Columns a terminal uses for UTF-8 `text` (wide characters 2, combining marks 0; a byte
// that is not UTF-8 counts 1).
std::size_t display_width(std::string_view text);

class TextTable {
public:
  enum class Align { left, right };
  struct Column {
    std::string title;
    Align align = Align::left;
  };

  explicit TextTable(std::vector<Column> columns) : m_columns(std::move(columns)) {}
  // `cells` has one entry per column.
  void add_row(std::vector<std::string> cells) { m_rows.push_back(std::move(cells)); }
  // The header and every row, each line ending in '\n', without trailing blanks.
  std::string render() const;

private:
  std::vector<Column> m_columns;
  std::vector<std::vector<std::string>> m_rows;
};

}  // namespace nbsync::commands
