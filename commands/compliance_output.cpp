#include "commands/compliance_output.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>

#include "commands/text_table.hpp"
#include "commands/time_argument.hpp"

namespace nbsync::commands {
namespace {

using compliance::RuleResult;
using compliance::severity_name;

bool device_failed(const DeviceCompliance& device) {
  return std::any_of(device.results.begin(), device.results.end(), [](const RuleResult& r) { return !r.passed; });
}

std::size_t failed_count(const DeviceCompliance& device) {
  return static_cast<std::size_t>(
      std::count_if(device.results.begin(), device.results.end(), [](const RuleResult& r) { return !r.passed; }));
}

std::string plural(std::size_t count, std::string_view one, std::string_view many) {
  std::string out = std::to_string(count);
  return out.append(" ").append(count == 1 ? one : many);
}

std::string headline(const DeviceCompliance& device) {
  std::string line = device.device;
  if (device.results.empty()) {
    return line.append(": no rules apply");
  }
  const std::size_t failed = failed_count(device);
  if (failed == 0) {
    return line.append(": all ").append(plural(device.results.size(), "rule", "rules")).append(" passed");
  }
  line.append(": ").append(std::to_string(failed)).append(" of ");
  line.append(plural(device.results.size(), "rule", "rules")).append(" failed");
  if (device.failing_since) {
    line.append(", failing since ").append(format_utc(*device.failing_since));
  }
  return line;
}

// XML 1.0 text or attribute content: markup escaped, characters XML cannot carry (control
// characters, invalid UTF-8) replaced by '?'.
std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&':
        out.append("&amp;");
        continue;
      case '<':
        out.append("&lt;");
        continue;
      case '>':
        out.append("&gt;");
        continue;
      case '"':
        out.append(attribute ? "&quot;" : "\"");
        continue;
      case '\'':
        out.append(attribute ? "&apos;" : "'");
        continue;
      case '\n':
        out.append(attribute ? "&#10;" : "\n");
        continue;
      case '\t':
        out.append(attribute ? "&#9;" : "\t");
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      out.push_back('?');
      continue;
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    std::size_t length = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (length == 0 || i + length > text.size()) {
      out.push_back('?');
      continue;
    }
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
        length = 0;
        break;
      }
    }
    if (length == 0) {
      out.push_back('?');
      continue;
    }
    out.append(text.substr(i, length));
    i += length - 1;
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    out.append(out.empty() ? "" : "\n").append(line);
  }
  return out;
}

}  // namespace

std::vector<RuleTotals> rule_totals(const std::vector<DeviceCompliance>& devices, const compliance::RuleSet* rules) {
  std::vector<RuleTotals> totals;
  std::map<std::string, std::size_t, std::less<>> index;
  const auto entry = [&](const std::string& name, compliance::Severity severity) -> RuleTotals& {
    const auto [it, inserted] = index.emplace(name, totals.size());
    if (inserted) {
      totals.push_back({name, severity, 0, 0});
    }
    return totals[it->second];
  };
  if (rules != nullptr) {
    for (const auto& rule : rules->rules()) {
      entry(rule.name, rule.severity);
    }
  }
  for (const auto& device : devices) {
    for (const auto& result : device.results) {
      RuleTotals& total = entry(result.rule, result.severity);
      ++total.checked;
      total.failed += result.passed ? 0 : 1;
    }
  }
  return totals;
}

std::string compliance_text(const std::vector<DeviceCompliance>& devices, bool verbose,
                            const compliance::RuleSet* rules) {
  using Align = TextTable::Align;
  std::string out;
  std::size_t failing = 0;
  std::size_t failing_errors = 0;
  for (const auto& device : devices) {
    const bool failed = device_failed(device);
    failing += failed ? 1 : 0;
    failing_errors +=
        std::any_of(device.results.begin(), device.results.end(),
                    [](const RuleResult& r) { return !r.passed && r.severity == compliance::Severity::error; })
            ? 1
            : 0;
    if (!failed && !verbose) {
      continue;
    }
    out.append(headline(device)).push_back('\n');
    if (device.results.empty()) {
      out.push_back('\n');
      continue;
    }
    TextTable table(
        {{"RULE", Align::left}, {"SEVERITY", Align::left}, {"RESULT", Align::left}, {"PROBLEMS", Align::left}});
    for (const auto& result : device.results) {
      const std::string first = result.problems.empty() ? std::string() : result.problems.front();
      table.add_row({result.rule, std::string(severity_name(result.severity)), result.passed ? "PASS" : "FAIL", first});
      for (std::size_t i = 1; i < result.problems.size(); ++i) {
        table.add_row({"", "", "", result.problems[i]});
      }
    }
    out.append(table.render()).push_back('\n');
  }

  TextTable summary(
      {{"RULE", Align::left}, {"SEVERITY", Align::left}, {"DEVICES", Align::right}, {"FAILED", Align::right}});
  for (const auto& total : rule_totals(devices, rules)) {
    summary.add_row({total.rule, std::string(severity_name(total.severity)), std::to_string(total.checked),
                     std::to_string(total.failed)});
  }
  out.append(summary.render());
  out.append(plural(devices.size(), "device", "devices")).append(" checked: ");
  out.append(std::to_string(failing)).append(" failing");
  if (failing > 0) {
    out.append(" (").append(std::to_string(failing_errors)).append(" with errors)");
  }
  out.append(", ").append(std::to_string(devices.size() - failing)).append(" compliant\n");
  return out;
}

nlohmann::json compliance_json(const std::vector<DeviceCompliance>& devices, const compliance::RuleSet* rules) {
  nlohmann::json device_list = nlohmann::json::array();
  std::map<std::string, std::vector<std::string>, std::less<>> failed_devices;
  std::size_t failing = 0;
  for (const auto& device : devices) {
    nlohmann::json results = nlohmann::json::array();
    for (const auto& result : device.results) {
      results.push_back({{"rule", result.rule},
                         {"severity", severity_name(result.severity)},
                         {"passed", result.passed},
                         {"problems", result.problems}});
      if (!result.passed) {
        failed_devices[result.rule].push_back(device.device);
      }
    }
    const bool failed = device_failed(device);
    failing += failed ? 1 : 0;
    nlohmann::json entry = {{"device", device.device}, {"passed", !failed}, {"results", std::move(results)}};
    entry["failing_since"] = device.failing_since ? nlohmann::json(format_utc(*device.failing_since)) : nullptr;
    entry["failing_since_unix"] = device.failing_since ? nlohmann::json(*device.failing_since) : nullptr;
    device_list.push_back(std::move(entry));
  }
  std::map<std::string, std::string, std::less<>> descriptions;
  if (rules != nullptr) {
    for (const auto& rule : rules->rules()) {
      descriptions[rule.name] = rule.description;
    }
  }
  nlohmann::json rule_list = nlohmann::json::array();
  for (const auto& total : rule_totals(devices, rules)) {
    nlohmann::json entry = {{"rule", total.rule},
                            {"severity", severity_name(total.severity)},
                            {"devices_checked", total.checked},
                            {"devices_failed", total.failed},
                            {"failed_devices", failed_devices[total.rule]}};
    if (const auto it = descriptions.find(total.rule); it != descriptions.end()) {
      entry["description"] = it->second;
    }
    rule_list.push_back(std::move(entry));
  }
  nlohmann::json out = {{"summary",
                         {{"devices", devices.size()},
                          {"devices_failing", failing},
                          {"devices_compliant", devices.size() - failing},
                          {"rules", rule_list.size()}}},
                        {"devices", std::move(device_list)},
                        {"rules", std::move(rule_list)}};
  if (rules != nullptr) {
    out["rules_file"] = rules->origin();
    out["rules_digest"] = rules->digest();
  }
  return out;
}

std::string compliance_junit(const std::vector<DeviceCompliance>& devices, const compliance::RuleSet* rules) {
  const auto totals = rule_totals(devices, rules);
  std::map<std::string, std::vector<std::pair<const DeviceCompliance*, const RuleResult*>>, std::less<>> cases;
  for (const auto& device : devices) {
    for (const auto& result : device.results) {
      cases[result.rule].emplace_back(&device, &result);
    }
  }
  std::size_t tests = 0;
  std::size_t failures = 0;
  for (const auto& total : totals) {
    tests += total.checked;
    failures += total.failed;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out.append("<testsuites name=\"nbsync compliance\" tests=\"").append(std::to_string(tests));
  out.append("\" failures=\"").append(std::to_string(failures)).append("\">\n");
  for (const auto& total : totals) {
    const std::string rule = xml_escape(total.rule, true);
    out.append("  <testsuite name=\"").append(rule).append("\" tests=\"").append(std::to_string(total.checked));
    out.append("\" failures=\"").append(std::to_string(total.failed)).append("\">\n");
    for (const auto& [device, result] : cases[total.rule]) {
      out.append("    <testcase classname=\"nbsync.compliance.").append(rule).append("\" name=\"");
      out.append(xml_escape(device->device, true)).append("\"");
      if (result->passed) {
        out.append("/>\n");
        continue;
      }
      const std::string message = result->problems.empty() ? std::string("failed") : result->problems.front();
      out.append(">\n      <failure message=\"").append(xml_escape(message, true)).append("\" type=\"");
      out.append(severity_name(result->severity)).append("\">");
      out.append(xml_escape(join_lines(result->problems), false)).append("</failure>\n    </testcase>\n");
    }
    out.append("  </testsuite>\n");
  }
  return out.append("</testsuites>\n");
}

void write_compliance_junit(const std::filesystem::path& file, const std::vector<DeviceCompliance>& devices,
                            const compliance::RuleSet* rules) {
  const std::string text = compliance_junit(devices, rules);
  std::filesystem::path temporary = file;
  temporary += ".tmp";
  const auto fail = [&](const std::string& what) {
    std::string message = file.string();
    message.append(": cannot write the JUnit report: ").append(what);
    throw std::runtime_error(message.append(": check that the directory exists and is writable"));
  };
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      fail(std::strerror(errno));
    }
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      fail("write failed");
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, file, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    fail(error.message());
  }
}

}  // namespace nbsync::commands
