#include "commands/text_table.hpp"

#include <locale.h>
#include <clocale>
#include <cwchar>

#include <algorithm>

namespace nbsync::commands {

std::size_t display_width(std::string_view text) {
  // wcwidth() answers for the calling thread's locale: C.UTF-8 here, whatever the process uses.
  static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  if (utf8 == static_cast<locale_t>(nullptr)) {
    return text.size();
  }
  const locale_t previous = uselocale(utf8);
  std::size_t width = 0;
  std::mbstate_t state{};
  for (std::size_t at = 0; at < text.size();) {
    wchar_t character = 0;
    const std::size_t length = std::mbrtowc(&character, text.data() + at, text.size() - at, &state);
    if (length == static_cast<std::size_t>(-1) || length == static_cast<std::size_t>(-2) || length == 0) {
      state = std::mbstate_t{};  // not UTF-8: a byte a column, as a terminal shows a replacement
      width += 1;
      at += 1;
      continue;
    }
    const int columns = wcwidth(character);
    width += columns < 0 ? 1 : static_cast<std::size_t>(columns);
    at += length;
  }
  uselocale(previous);
  return width;
}

std::string TextTable::render() const {
  std::vector<std::size_t> widths;
  for (const auto& column : m_columns) {
    widths.push_back(display_width(column.title));
  }
  for (const auto& row : m_rows) {
    for (std::size_t i = 0; i < widths.size() && i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  std::string out;
  const auto add_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string& cell = i < cells.size() ? cells[i] : std::string();
      const std::string pad(widths[i] - display_width(cell), ' ');
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

}  // namespace nbsync::commands
