#include "daemon/regex_literals.hpp"

#include <cctype>
#include <cstddef>

namespace nbsync::daemon {
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

}  // namespace

std::vector<std::string> required_literals(std::string_view regex) {
  std::vector<std::string> literals;
  if (has_extended_flag(regex)) {
    return literals;
  }
  std::string current;
  const auto flush = [&] {
    if (current.size() >= 3) {
      literals.push_back(current);
    }
    current.clear();
  };
  // The last atom was a single character of `current`: a quantifier may remove it.
  bool last_is_char = false;
  for (std::size_t i = 0; i < regex.size();) {
    const char c = regex[i];
    if (c == '\\') {
      if (i + 1 >= regex.size()) {
        return {};
      }
      const char escaped = regex[i + 1];
      if (escaped == 'Q') {  // \Q...\E quotes literally
        const std::size_t end = regex.find("\\E", i + 2);
        const std::string_view quoted = regex.substr(i + 2, end == std::string_view::npos ? end : end - i - 2);
        current.append(quoted);
        last_is_char = false;
        if (!quoted.empty()) {
          // A quantifier after \Q..\E applies to its last character only.
          flush();
        }
        i = end == std::string_view::npos ? regex.size() : end + 2;
        continue;
      }
      if (std::isalnum(static_cast<unsigned char>(escaped)) != 0) {
        flush();  // \d \s \b \x.. \p{..} \1 ...: not a plain character
        last_is_char = false;
        i += 2;
        if (i < regex.size() && regex[i] == '{') {
          const std::size_t close = regex.find('}', i);
          i = close == std::string_view::npos ? regex.size() : close + 1;
        }
        continue;
      }
      current.push_back(escaped);
      last_is_char = true;
      i += 2;
      continue;
    }
    switch (c) {
      case '(': {
        flush();
        last_is_char = false;
        const std::size_t end = skip_group(regex, i);
        if (end == std::string_view::npos) {
          return {};
        }
        i = end;
        continue;
      }
      case '[': {
        flush();
        last_is_char = false;
        const std::size_t end = skip_class(regex, i);
        if (end == std::string_view::npos) {
          return {};
        }
        i = end;
        continue;
      }
      case '|':
      case ')':
        return {};  // a branch could match without any literal of the others
      case '*':
      case '?':
        if (last_is_char && !current.empty()) {
          current.pop_back();  // zero repetitions allowed
        }
        flush();
        last_is_char = false;
        ++i;
        continue;
      case '+':
        flush();  // the repeated character stays required, the next is not adjacent
        last_is_char = false;
        ++i;
        continue;
      case '{': {
        long minimum = 0;
        const std::size_t end = quantifier_end(regex, i, minimum);
        if (end == std::string_view::npos) {
          current.push_back(c);  // a literal brace
          last_is_char = true;
          ++i;
          continue;
        }
        if (minimum == 0 && last_is_char && !current.empty()) {
          current.pop_back();
        }
        flush();
        last_is_char = false;
        i = end;
        continue;
      }
      case '.':
      case '^':
      case '$':
        flush();
        last_is_char = false;
        ++i;
        continue;
      default:
        current.push_back(c);
        last_is_char = true;
        ++i;
    }
  }
  flush();
  return literals;
}

}  // namespace nbsync::daemon
