#include "storage/regex_literals.hpp"

#include <cctype>
#include <cstddef>

namespace nbsync::storage {
namespace {

// Index just past the group or class that starts at `open`; npos when it never closes.
std::size_t skip_group(std::string_view regex, std::size_t open) {
  int depth = 0;
  bool in_class = false;
  for (std::size_t i = open; i < regex.size(); ++i) {
    const char c = regex[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      if (c == ']') {
        in_class = false;
      }
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < regex.size() && regex[i + 1] == '^') {
        ++i;
      }
      if (i + 1 < regex.size() && regex[i + 1] == ']') {
        ++i;  // a ']' first in a class is a literal
      }
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth == 0) {
        return i + 1;
      }
    }
  }
  return std::string_view::npos;
}

std::size_t skip_class(std::string_view regex, std::size_t open) {
  std::size_t i = open + 1;
  if (i < regex.size() && regex[i] == '^') {
    ++i;
  }
  if (i < regex.size() && regex[i] == ']') {
    ++i;
  }
  for (; i < regex.size(); ++i) {
    if (regex[i] == '\\') {
      ++i;
    } else if (regex[i] == ']') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// A counted quantifier at `open` ("{2}", "{0,3}", "{1,}"): its end and minimum, or npos.
std::size_t quantifier_end(std::string_view regex, std::size_t open, long& minimum) {
  std::size_t i = open + 1;
  const std::size_t digits = i;
  while (i < regex.size() && std::isdigit(static_cast<unsigned char>(regex[i])) != 0) {
    ++i;
  }
  if (i == digits) {
    return std::string_view::npos;
  }
  minimum = std::stol(std::string(regex.substr(digits, i - digits)));
  if (i < regex.size() && regex[i] == ',') {
    ++i;
    while (i < regex.size() && std::isdigit(static_cast<unsigned char>(regex[i])) != 0) {
      ++i;
    }
  }
  return i < regex.size() && regex[i] == '}' ? i + 1 : std::string_view::npos;
}

bool has_extended_flag(std::string_view regex) {
  // (?x) or (?xx) makes whitespace insignificant; (*...) verbs change matching options.
  for (std::size_t i = 0; i + 2 < regex.size(); ++i) {
    if (regex[i] == '\\') {
      ++i;
    } else if (regex[i] == '(' && (regex[i + 1] == '*' || regex[i + 1] == '?')) {
      for (std::size_t j = i + 2; j < regex.size() && regex[j] != ')' && regex[j] != ':' && regex[j] != '-'; ++j) {
        if (regex[j] == 'x') {
          return true;
        }
      }
    }
  }
  return false;
}

// Walks a pattern atom by atom, collecting the runs of plain characters every match must
// contain. Each step returns false when the pattern is beyond what it can reason about.
class LiteralScanner {
public:
  explicit LiteralScanner(std::string_view regex) : m_regex(regex) {}

  std::vector<std::string> scan() {
    while (m_at < m_regex.size()) {
      if (!step()) {
        return {};
      }
    }
    flush();
    return std::move(m_literals);
  }

private:
  bool step() {
    const char c = m_regex[m_at];
    switch (c) {
      case '\\':
        return escape();
      case '(':
        return skip_atom(skip_group(m_regex, m_at));
      case '[':
        return skip_atom(skip_class(m_regex, m_at));
      case '|':
      case ')':
        return false;  // a branch could match without any literal of the others
      case '*':
      case '?':
        drop_optional_char();
        break_run(m_at + 1);
        return true;
      case '+':
        break_run(m_at + 1);  // the repeated character stays required, the next is not adjacent
        return true;
      case '{':
        counted_quantifier();
        return true;
      case '.':
      case '^':
      case '$':
        break_run(m_at + 1);
        return true;
      default:
        add_char(c, m_at + 1);
        return true;
    }
  }

  bool escape() {
    if (m_at + 1 >= m_regex.size()) {
      return false;
    }
    const char escaped = m_regex[m_at + 1];
    if (escaped == 'Q') {
      quoted_run();
    } else if (std::isalnum(static_cast<unsigned char>(escaped)) != 0) {
      class_escape();
    } else {
      add_char(escaped, m_at + 2);
    }
    return true;
  }

  // \Q...\E quotes literally; a quantifier after it applies to its last character only.
  void quoted_run() {
    const std::size_t end = m_regex.find("\\E", m_at + 2);
    const std::string_view quoted = m_regex.substr(m_at + 2, end == std::string_view::npos ? end : end - m_at - 2);
    m_current.append(quoted);
    m_last_is_char = false;
    if (!quoted.empty()) {
      flush();
    }
    m_at = end == std::string_view::npos ? m_regex.size() : end + 2;
  }

  // \d \s \b \x.. \p{..} \1 ...: not a plain character.
  void class_escape() {
    break_run(m_at + 2);
    if (m_at < m_regex.size() && m_regex[m_at] == '{') {
      const std::size_t close = m_regex.find('}', m_at);
      m_at = close == std::string_view::npos ? m_regex.size() : close + 1;
    }
  }

  // "{2}", "{0,3}", "{1,}"; anything else is a literal brace.
  void counted_quantifier() {
    long minimum = 0;
    const std::size_t end = quantifier_end(m_regex, m_at, minimum);
    if (end == std::string_view::npos) {
      add_char('{', m_at + 1);
      return;
    }
    if (minimum == 0) {
      drop_optional_char();
    }
    break_run(end);
  }

  bool skip_atom(std::size_t end) {
    if (end == std::string_view::npos) {
      return false;
    }
    break_run(end);
    return true;
  }

  // The last atom was a single character of the run: zero repetitions remove it.
  void drop_optional_char() {
    if (m_last_is_char && !m_current.empty()) {
      m_current.pop_back();
    }
  }

  void add_char(char c, std::size_t next) {
    m_current.push_back(c);
    m_last_is_char = true;
    m_at = next;
  }

  void break_run(std::size_t next) {
    flush();
    m_last_is_char = false;
    m_at = next;
  }

  void flush() {
    if (m_current.size() >= 3) {
      m_literals.push_back(m_current);
    }
    m_current.clear();
  }

  std::string_view m_regex;
  std::size_t m_at = 0;
  std::string m_current;
  bool m_last_is_char = false;
  std::vector<std::string> m_literals;
};

}  // namespace

std::vector<std::string> required_literals(std::string_view regex) {
  if (has_extended_flag(regex)) {
    return {};
  }
  return LiteralScanner(regex).scan();
}

}  // namespace nbsync::storage
