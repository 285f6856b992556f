#include "daemon/text_table.hpp"

#include <algorithm>

namespace nbsync::daemon {

std::string TextTable::render() const {
  std::vector<std::size_t> widths;
  for (const auto& column : m_columns) {
    widths.push_back(column.title.size());
  }
  for (const auto& row : m_rows) {
    for (std::size_t i = 0; i < widths.size() && i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  const auto add_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string& cell = i < cells.size() ? cells[i] : std::string();
      const std::string pad(widths[i] - cell.size(), ' ');
      if (i > 0) {
        line.append("  ");
      }
      if (m_columns[i].align == Align::right) {
        line.append(pad).append(cell);
      } else {
        line.append(cell).append(pad);
      }
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out.append(line).push_back('\n');
  };
  std::vector<std::string> titles;
  for (const auto& column : m_columns) {
    titles.push_back(column.title);
  }
  add_line(titles);
  for (const auto& row : m_rows) {
    add_line(row);
  }
  return out;
}

}  // namespace nbsync::daemon
