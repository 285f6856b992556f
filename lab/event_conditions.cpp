#include "lab/event_conditions.hpp"

#include <algorithm>
#include <array>
#include <regex>
#include <string_view>

namespace nbsync::lab {
namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 8> k_ops = {"eq", "gt", "gte", "lt", "lte", "in", "contains", "regex"};

bool is_set(const json& node) {
  return node.is_object() && node.size() == 1 && (node.contains("and") || node.contains("or"));
}

json value_at(const json& data, const std::string& attr) {
  json value = data;
  std::size_t start = 0;
  while (start <= attr.size()) {
    const std::size_t dot = std::min(attr.find('.', start), attr.size());
    const std::string key = attr.substr(start, dot - start);
    if (value.is_array()) {
      json mapped = json::array();
      for (const auto& item : value) {
        mapped.push_back(item.is_object() && item.contains(key) ? item[key] : json());
      }
      value = mapped;
    } else if (value.is_object() && value.contains(key)) {
      value = value[key];
    } else {
      return nullptr;
    }
    start = dot + 1;
  }
  return value;
}

bool compare(const std::string& op, const json& value, const json& reference) {
  if (op == "eq") {
    return value == reference;
  }
  if (value.is_null()) {
    return false;
  }
  if (op == "contains") {
    if (value.is_array()) {
      return std::find(value.begin(), value.end(), reference) != value.end();
    }
    return value.is_string() && reference.is_string() &&
           value.get<std::string>().find(reference.get<std::string>()) != std::string::npos;
  }
  if (op == "in") {
    return reference.is_array() && std::find(reference.begin(), reference.end(), value) != reference.end();
  }
  if (op == "regex") {
    return value.is_string() && reference.is_string() &&
           std::regex_search(value.get<std::string>(), std::regex(reference.get<std::string>()));
  }
  if (!value.is_number() || !reference.is_number()) {
    return false;
  }
  const double a = value.get<double>();
  const double b = reference.get<double>();
  return op == "gt" ? a > b : op == "gte" ? a >= b : op == "lt" ? a < b : a <= b;
}

bool condition_matches(const json& condition, const json& data) {
  const std::string op = condition.value("op", "eq");
  const bool result = compare(op, value_at(data, condition["attr"].get<std::string>()), condition["value"]);
  return condition.value("negate", false) ? !result : result;
}

}  // namespace

std::string condition_problem(const json& conditions) {
  if (conditions.is_null()) {
    return "";
  }
  if (is_set(conditions)) {
    const json& items = conditions.contains("and") ? conditions["and"] : conditions["or"];
    if (!items.is_array()) {
      return "ConditionSet must contain a list of conditions.";
    }
    for (const auto& item : items) {
      if (std::string problem = condition_problem(item); !problem.empty()) {
        return problem;
      }
    }
    return "";
  }
  if (!conditions.is_object() || !conditions.contains("attr") || !conditions["attr"].is_string() ||
      !conditions.contains("value")) {
    return "Condition must include attr and value.";
  }
  const std::string op = conditions.value("op", "eq");
  if (std::find(k_ops.begin(), k_ops.end(), op) == k_ops.end()) {
    return "Unknown operator: " + op + ". Must be one of: eq, gt, gte, lt, lte, in, contains, regex";
  }
  return "";
}

bool conditions_match(const json& conditions, const json& data) {
  if (conditions.is_null()) {
    return true;
  }
  if (is_set(conditions)) {
    const bool all = conditions.contains("and");
    const json& items = all ? conditions["and"] : conditions["or"];
    for (const auto& item : items) {
      if (conditions_match(item, data) != all) {
        return !all;
      }
    }
    return all;
  }
  return condition_matches(conditions, data);
}

}  // namespace nbsync::lab
