#pragma once
// Columns of plain text lined up for a terminal: a header row, then rows of the same
// width; each column is as wide as its widest cell, numbers may be right-aligned.
#include <string>
#include <vector>

namespace nbsync::daemon {

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

}  // namespace nbsync::daemon
