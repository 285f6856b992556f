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

std::string quote_pattern(const backup::Pattern& pattern) {
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

// Per-section scratch space, reused by every rule of one evaluate() call.
struct Scratch {
  std::vector<Section> sections;
  std::vector<char> found;
  std::vector<std::int64_t> counts;
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

void check_lines(const Rule& rule, const ConfigLines& lines, std::size_t begin, std::size_t end, const Section* section,
                 Scratch& scratch, ProblemList& problems) {
  const SectionLabel label(lines, section);
  scratch.found.assign(rule.must_match.size(), 0);
  scratch.counts.assign(rule.counts.size(), 0);
  std::size_t still_missing = rule.must_match.size();
  for (std::size_t i = begin; i < end; ++i) {
    const std::string_view line = lines[i];
    if (still_missing > 0) {
      for (std::size_t p = 0; p < rule.must_match.size(); ++p) {
        if (scratch.found[p] == 0 && rule.must_match[p].search(line)) {
          scratch.found[p] = 1;
          --still_missing;
        }
      }
    }
    for (const auto& pattern : rule.must_not_match) {
      if (!pattern.search(line)) {
        continue;
      }
      if (problems.full()) {
        problems.count_one_more();
        continue;
      }
      std::string problem = "line ";
      problem.append(std::to_string(i + 1)).append(": ").append(quote(line)).append(" must not match ");
      problems.add(problem.append(quote_pattern(pattern)).append(label.name()));
    }
    for (std::size_t c = 0; c < rule.counts.size(); ++c) {
      if (rule.counts[c].match.search(line)) {
        ++scratch.counts[c];
      }
    }
  }
  for (std::size_t p = 0; p < rule.must_match.size(); ++p) {
    if (scratch.found[p] == 0) {
      std::string problem = "missing a line matching ";
      problems.add(problem.append(quote_pattern(rule.must_match[p])).append(label.name_and_line()));
    }
  }
  for (std::size_t c = 0; c < rule.counts.size(); ++c) {
    const CountBound& bound = rule.counts[c];
    const std::int64_t found = scratch.counts[c];
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

RuleResult evaluate_rule(const Rule& rule, const ConfigLines& lines, Scratch& scratch) {
  RuleResult result;
  result.rule = rule.name;
  result.severity = rule.severity;
  ProblemList problems;
  if (rule.parent.empty()) {
    check_lines(rule, lines, 0, lines.size(), nullptr, scratch, problems);
  } else {
    const bool braces = rule.section_style == SectionStyle::braces ||
                        (rule.section_style == SectionStyle::automatic && lines.looks_like_braces());
    if (braces) {
      lines.brace_sections(rule.parent, scratch.sections);
    } else {
      lines.indent_sections(rule.parent, scratch.sections);
    }
    if (scratch.sections.empty() && rule.require_parent) {
      std::string problem = "no section matches ";
      problems.add(problem.append(quote_pattern(rule.parent)));
    }
    // check_lines reuses the other scratch vectors, not the sections.
    for (const Section& section : scratch.sections) {
      check_lines(rule, lines, section.begin, section.end, &section, scratch, problems);
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
  Scratch scratch;
  std::vector<RuleResult> results;
  for (const Rule& rule : rules.rules()) {
    if (in_scope(rule, device)) {
      results.push_back(evaluate_rule(rule, lines, scratch));
    }
  }
  return results;
}

}  // namespace nbsync::compliance
