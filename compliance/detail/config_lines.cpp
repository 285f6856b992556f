#include "compliance/detail/config_lines.hpp"

#include <algorithm>
#include <string>

namespace nbsync::compliance::detail {
namespace {

constexpr std::size_t k_none = static_cast<std::size_t>(-1);

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

}  // namespace

std::string_view required_literal(std::string_view source) {
  if (source.find('|') != std::string_view::npos) {
    return {};
  }
  std::string_view best;
  std::size_t run_start = 0;
  const auto end_run = [&](std::size_t run_end) {
    if (run_end > run_start && run_end - run_start > best.size()) {
      best = source.substr(run_start, run_end - run_start);
    }
  };
  for (std::size_t i = 0; i < source.size(); ++i) {
    const char c = source[i];
    switch (c) {
      case '\\':
      case '(':
      case '[':
        end_run(i);
        return best;
      case '{':
      case '*':
      case '?':
        // The character before is optional (or repeated a counted number of times).
        end_run(i > run_start ? i - 1 : i);
        if (c == '{') {
          return best;
        }
        run_start = i + 1;
        break;
      case '.':
      case '+':
      case '^':
      case '$':
        end_run(i);
        run_start = i + 1;
        break;
      default:
        break;
    }
  }
  end_run(source.size());
  return best;
}

std::size_t indentation(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) {
    ++n;
  }
  return n;
}

std::string_view trim(std::string_view line) {
  std::size_t begin = 0;
  while (begin < line.size() && is_blank(line[begin])) {
    ++begin;
  }
  std::size_t end = line.size();
  while (end > begin && is_blank(line[end - 1])) {
    --end;
  }
  return line.substr(begin, end - begin);
}

ConfigLines::ConfigLines(std::string_view config) {
  m_lines.reserve(static_cast<std::size_t>(std::count(config.begin(), config.end(), '\n')) + 1);
  std::size_t start = 0;
  while (start < config.size()) {
    std::size_t end = config.find('\n', start);
    const std::size_t next = end == std::string_view::npos ? config.size() : end + 1;
    if (end == std::string_view::npos) {
      end = config.size();
    }
    std::string_view line = config.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (!m_braces) {
      std::size_t last = line.size();
      while (last > 0 && (line[last - 1] == ' ' || line[last - 1] == '\t')) {
        --last;
      }
      m_braces = last >= 2 && line[last - 1] == '{' && line[last - 2] == ' ';
    }
    m_lines.push_back(line);
    start = next;
  }
}

void ConfigLines::indent_sections(const Pattern& parent, std::vector<Section>& out) const {
  out.clear();
  candidate_lines(*this, 0, m_lines.size(), required_literal(parent.source()), [&](std::size_t i) {
    if (!parent.search(m_lines[i])) {
      return true;
    }
    const std::size_t header_indent = indentation(m_lines[i]);
    std::size_t end = i + 1;
    for (std::size_t j = i + 1; j < m_lines.size(); ++j) {
      const std::string_view line = m_lines[j];
      if (trim(line).empty()) {
        continue;  // a blank line ends nothing; it belongs to the section only if more follows
      }
      if (indentation(line) <= header_indent) {
        break;
      }
      end = j + 1;
    }
    out.push_back({i, i + 1, end});
    return true;
  });
}

const std::vector<std::size_t>& ConfigLines::block_ends() const {
  if (m_block_ends_ready) {
    return m_block_ends;
  }
  m_block_ends.assign(m_lines.size(), k_none);
  std::vector<std::size_t> open;  // line index of every unclosed '{'
  for (std::size_t i = 0; i < m_lines.size(); ++i) {
    const std::string_view line = m_lines[i];
    bool quoted = false;
    for (std::size_t k = 0; k < line.size(); ++k) {
      const char c = line[k];
      if (quoted) {
        if (c == '\\') {
          ++k;
        } else if (c == '"') {
          quoted = false;
        }
        continue;
      }
      if (c == '"') {
        quoted = true;
      } else if (c == '#') {
        break;  // a comment runs to the end of the line
      } else if (c == '{') {
        open.push_back(i);
      } else if (c == '}' && !open.empty()) {
        const std::size_t opened = open.back();
        open.pop_back();
        if (opened != i) {
          m_block_ends[opened] = i;  // the outermost brace of a line closes last
        }
      }
    }
  }
  for (const std::size_t opened : open) {
    m_block_ends[opened] = m_lines.size();  // cut short: the body runs to the end
  }
  m_block_ends_ready = true;
  return m_block_ends;
}

void ConfigLines::brace_sections(const Pattern& parent, std::vector<Section>& out) const {
  out.clear();
  const auto& ends = block_ends();
  for (std::size_t i = 0; i < m_lines.size(); ++i) {
    if (ends[i] != k_none && parent.search(m_lines[i])) {
      out.push_back({i, i + 1, ends[i]});
    }
  }
}

std::string_view ConfigLines::span(std::size_t begin, std::size_t end) const {
  if (begin >= end) {
    return {};
  }
  const char* first = m_lines[begin].data();
  const char* last = m_lines[end - 1].data() + m_lines[end - 1].size();
  return {first, static_cast<std::size_t>(last - first)};
}

std::size_t ConfigLines::line_at(const char* position, std::size_t begin, std::size_t end) const {
  const auto first = m_lines.begin() + static_cast<std::ptrdiff_t>(begin);
  const auto last = m_lines.begin() + static_cast<std::ptrdiff_t>(end);
  const auto after =
      std::upper_bound(first, last, position, [](const char* p, std::string_view line) { return p < line.data(); });
  return static_cast<std::size_t>(after - m_lines.begin()) - 1;
}

std::string_view ConfigLines::header_label(std::size_t index) const {
  std::string_view label = trim(m_lines[index]);
  if (!label.empty() && label.back() == '{') {
    label.remove_suffix(1);
    label = trim(label);
  }
  return label;
}

}  // namespace nbsync::compliance::detail
