#include "compliance/evaluator.hpp"

#include <algorithm>

#include "compliance/detail/config_lines.hpp"

namespace nbsync::compliance {
namespace {

using detail::ConfigLines;
using detail::Section;

constexpr std::size_t k_quote_limit = 120;

bool listed(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Length of the valid UTF-8 sequence at `text[i]`, or 0 when it is not one.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  std::size_t length = 0;
  if (c < 0x80) {
    return 1;
  } else if (c >= 0xc2 && c <= 0xdf) {
    length = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    length = 3;
  } else if (c >= 0xf0 && c <= 0xf4) {
    length = 4;
  } else {
    return 0;
  }
  if (i + length > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) {
      return 0;
    }
  }
  return length;
}

// A config line as problems quote it: without surrounding blanks, at most k_quote_limit
// bytes, control characters and invalid UTF-8 shown as '?', so every report format can
// carry it.
std::string quote(std::string_view line) {
  line = detail::trim(line);
  std::string out = "\"";
  std::size_t i = 0;
  while (i < line.size()) {
    if (out.size() > k_quote_limit) {
      out.append("...");
      break;
    }
    const std::size_t length = utf8_length(line, i);
    if (length == 0 || (length == 1 && static_cast<unsigned char>(line[i]) < 0x20)) {
      out.push_back('?');
      i += 1;
    } else {
      out.append(line.substr(i, length));
      i += length;
    }
  }
  return out.append("\"");
}

std::string quote_pattern(const Pattern& pattern) {
  std::string out = "\"";
  return out.append(pattern.source()).append("\"");
}

// Problems of one rule, capped at k_max_problems; the rest are only counted.
class ProblemList {
public:
  bool full() const { return m_problems.size() >= k_max_problems; }
  void add(std::string problem) {
    if (full()) {
      ++m_more;
    } else {
      m_problems.push_back(std::move(problem));
    }
  }
  void count_one_more() { ++m_more; }
  bool empty() const { return m_problems.empty(); }
  std::vector<std::string> take() {
    if (m_more > 0) {
      m_problems.push_back(std::string("and ").append(std::to_string(m_more)).append(" more"));
    }
    return std::move(m_problems);
  }

private:
  std::vector<std::string> m_problems;
  std::size_t m_more = 0;
};

class SectionLabel {
public:
  SectionLabel(const ConfigLines& lines, const Section* section) : m_lines(lines), m_section(section) {}
  // " (section "line vty 0 4")", or nothing for the whole config.
  std::string name() const {
    if (m_section == nullptr) {
      return {};
    }
    std::string out = " (section \"";
    return out.append(m_lines.header_label(m_section->header)).append("\")");
  }
  // " (section "line vty 0 4" at line 118)"
  std::string name_and_line() const {
    if (m_section == nullptr) {
      return {};
    }
    std::string out = " (section \"";
    out.append(m_lines.header_label(m_section->header)).append("\" at line ");
    return out.append(std::to_string(m_section->header + 1)).append(")");
  }

private:
  const ConfigLines& m_lines;
  const Section* m_section;
};

// The required literal of every pattern of a rule: must_not_match, must_match, then counts.
void rule_literals(const Rule& rule, std::vector<std::string_view>& out) {
  out.clear();
  for (const auto& pattern : rule.must_not_match) {
    out.push_back(detail::required_literal(pattern.source()));
  }
  for (const auto& pattern : rule.must_match) {
    out.push_back(detail::required_literal(pattern.source()));
  }
  for (const auto& bound : rule.counts) {
    out.push_back(detail::required_literal(bound.match.source()));
  }
}

void check_lines(const Rule& rule, const std::vector<std::string_view>& literals, const ConfigLines& lines,
                 std::size_t begin, std::size_t end, const Section* section, ProblemList& problems) {
  auto literal = literals.begin();
  const SectionLabel label(lines, section);
  for (const auto& pattern : rule.must_not_match) {
    detail::candidate_lines(lines, begin, end, *literal++, [&](std::size_t i) {
      if (!pattern.search(lines[i])) {
        return true;
      }
      if (problems.full()) {
        problems.count_one_more();
        return true;
      }
      std::string problem = "line ";
      problem.append(std::to_string(i + 1)).append(": ").append(quote(lines[i])).append(" must not match ");
      problems.add(problem.append(quote_pattern(pattern)).append(label.name()));
      return true;
    });
  }
  for (const auto& pattern : rule.must_match) {
    bool found = false;
    detail::candidate_lines(lines, begin, end, *literal++, [&](std::size_t i) {
      found = pattern.search(lines[i]);
      return !found;
    });
    if (!found) {
      std::string problem = "missing a line matching ";
      problems.add(problem.append(quote_pattern(pattern)).append(label.name_and_line()));
    }
  }
  for (const CountBound& bound : rule.counts) {
    std::int64_t found = 0;
    detail::candidate_lines(lines, begin, end, *literal++, [&](std::size_t i) {
      found += bound.match.search(lines[i]) ? 1 : 0;
      // Past the maximum (or the minimum when there is no maximum) the verdict is known.
      return !(bound.max ? found > *bound.max : found >= *bound.min);
    });
    std::string problem;
    if (bound.min && found < *bound.min) {
      problem = found == 0 ? "missing a line matching " : "too few lines matching ";
      problem.append(quote_pattern(bound.match)).append(" (found ").append(std::to_string(found));
      problem.append(", need at least ").append(std::to_string(*bound.min)).append(")");
    } else if (bound.max && found > *bound.max) {
      problem = "too many lines matching ";
      problem.append(quote_pattern(bound.match)).append(" (found ").append(std::to_string(found));
      problem.append(", need at most ").append(std::to_string(*bound.max)).append(")");
    } else {
      continue;
    }
    problems.add(problem.append(label.name_and_line()));
  }
}

// Scratch space reused by every rule of one evaluate() call, and the sections of the last
// parent looked up: rules often share one ("^interface ").
struct SectionCache {
  std::vector<Section> sections;
  std::vector<std::string_view> literals;  // of the rule being checked
  std::string_view parent;
  bool braces = false;
  bool valid = false;
};

RuleResult evaluate_rule(const Rule& rule, const ConfigLines& lines, SectionCache& cache) {
  RuleResult result;
  result.rule = rule.name;
  result.severity = rule.severity;
  ProblemList problems;
  rule_literals(rule, cache.literals);
  if (rule.parent.empty()) {
    check_lines(rule, cache.literals, lines, 0, lines.size(), nullptr, problems);
  } else {
    const bool braces = rule.section_style == SectionStyle::braces ||
                        (rule.section_style == SectionStyle::automatic && lines.looks_like_braces());
    if (!cache.valid || cache.parent != rule.parent.source() || cache.braces != braces) {
      if (braces) {
        lines.brace_sections(rule.parent, cache.sections);
      } else {
        lines.indent_sections(rule.parent, cache.sections);
      }
      cache.parent = rule.parent.source();
      cache.braces = braces;
      cache.valid = true;
    }
    const std::vector<Section>& sections = cache.sections;
    if (sections.empty() && rule.require_parent) {
      std::string problem = "no section matches ";
      problems.add(problem.append(quote_pattern(rule.parent)));
    }
    for (const Section& section : sections) {
      check_lines(rule, cache.literals, lines, section.begin, section.end, &section, problems);
    }
  }
  result.passed = problems.empty();
  result.problems = problems.take();
  return result;
}

}  // namespace

bool in_scope(const Rule& rule, const DeviceFacts& device) {
  if (!rule.platforms.empty() && !listed(rule.platforms, device.platform)) {
    return false;
  }
  if (!rule.roles.empty() && !listed(rule.roles, device.role)) {
    return false;
  }
  if (!rule.sites.empty() && !listed(rule.sites, device.site)) {
    return false;
  }
  if (!rule.tags.empty()) {
    return std::any_of(device.tags.begin(), device.tags.end(),
                       [&](const std::string& tag) { return listed(rule.tags, tag); });
  }
  return true;
}

std::vector<RuleResult> evaluate(const RuleSet& rules, const DeviceFacts& device, std::string_view config) {
  const ConfigLines lines(config);
  SectionCache cache;
  std::vector<RuleResult> results;
  for (const Rule& rule : rules.rules()) {
    if (in_scope(rule, device)) {
      results.push_back(evaluate_rule(rule, lines, cache));
    }
  }
  return results;
}

}  // namespace nbsync::compliance
