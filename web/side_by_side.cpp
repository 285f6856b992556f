#include "web/side_by_side.hpp"

#include <cstdio>
#include <vector>

#include "web/html.hpp"
#include "web/word_diff.hpp"

namespace nbsync::web {
namespace {

// One side of a row: a line number and the line's HTML, or nothing.
struct Cell {
  long long number = 0;  // 0: an empty cell
  const char* kind = "";
  std::string html;
};

class TableWriter {
public:
  void hunk(std::string_view header) {
    long long a = 0, b = 0, c = 0, d = 0;
    const std::string text(header);
    if (std::sscanf(text.c_str(), "@@ -%lld,%lld +%lld,%lld @@", &a, &b, &c, &d) == 4) {
      m_left = a;
      m_right = c;
    }
    m_html.append("<tr class=\"hunk\"><td colspan=\"4\">").append(escape_html(header)).append("</td></tr>\n");
  }

  void context(std::string_view line) {
    const std::string html = escape_html(line);
    row({m_left++, "", html}, {m_right++, "", html});
  }

  void changes(const std::vector<std::string_view>& removed, const std::vector<std::string_view>& added) {
    for (std::size_t i = 0; i < removed.size() || i < added.size(); ++i) {
      Cell left;
      Cell right;
      if (i < removed.size() && i < added.size()) {
        MarkedPair pair = mark_changed_words(removed[i], added[i]);
        left = {m_left++, "del", std::move(pair.before_html)};
        right = {m_right++, "add", std::move(pair.after_html)};
      } else if (i < removed.size()) {
        left = {m_left++, "del", escape_html(removed[i])};
      } else {
        right = {m_right++, "add", escape_html(added[i])};
      }
      row(left, right);
    }
  }

  std::string take() {
    return "<table class=\"split\">\n<colgroup><col class=\"ln\"><col><col class=\"ln\"><col></colgroup>\n<tbody>\n" +
           m_html + "</tbody>\n</table>\n";
  }

private:
  void cell(const Cell& cell) {
    if (cell.number == 0) {
      m_html.append("<td class=\"ln\"></td><td class=\"empty\"></td>");
      return;
    }
    m_html.append("<td class=\"ln\">").append(std::to_string(cell.number)).append("</td><td class=\"");
    m_html.append(cell.kind).append("\">").append(cell.html).append("</td>");
  }

  void row(const Cell& left, const Cell& right) {
    m_html.append("<tr>");
    cell(left);
    cell(right);
    m_html.append("</tr>\n");
  }

  long long m_left = 1;
  long long m_right = 1;
  std::string m_html;
};

}  // namespace

std::string side_by_side_html(std::string_view unified) {
  TableWriter table;
  std::vector<std::string_view> removed;
  std::vector<std::string_view> added;
  const auto flush = [&] {
    table.changes(removed, added);
    removed.clear();
    added.clear();
  };
  std::size_t start = 0;
  while (start < unified.size()) {
    const std::size_t end = std::min(unified.find('\n', start), unified.size());
    const std::string_view line = unified.substr(start, end - start);
    start = end + 1;
    if (line.starts_with("-")) {
      removed.push_back(line.substr(1));
      continue;
    }
    if (line.starts_with("+")) {
      added.push_back(line.substr(1));
      continue;
    }
    flush();
    if (line.starts_with("@@")) {
      table.hunk(line);
    } else if (!line.empty()) {
      table.context(line.substr(1));
    }
  }
  flush();
  return table.take();
}

}  // namespace nbsync::web
