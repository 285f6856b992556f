#include "lab/api_faults.hpp"

#include <array>
#include <stdexcept>
#include <utility>

namespace nbsync::lab {
namespace {

constexpr std::array<std::pair<ApiFaultKind, const char*>, 6> k_kinds = {{
    {ApiFaultKind::status, "status"},
    {ApiFaultKind::stall, "stall"},
    {ApiFaultKind::late, "late"},
    {ApiFaultKind::cut_body, "cut_body"},
    {ApiFaultKind::malformed_json, "malformed_json"},
    {ApiFaultKind::broken_next, "broken_next"},
}};

}  // namespace

ApiFault parse_api_fault(const nlohmann::json& body) {
  if (!body.is_object()) {
    throw std::invalid_argument("expected a JSON object such as {\"kind\": \"status\", \"status\": 502, \"count\": 3}");
  }
  ApiFault fault;
  const std::string kind = body.value("kind", "status");
  bool known = false;
  for (const auto& [k, name] : k_kinds) {
    if (kind == name) {
      fault.kind = k;
      known = true;
    }
  }
  if (!known) {
    throw std::invalid_argument("kind: expected status, stall, late, cut_body, malformed_json or broken_next, got " +
                                kind);
  }
  fault.status = body.value("status", 500);
  if (fault.kind == ApiFaultKind::status && (fault.status < 400 || fault.status > 599)) {
    throw std::invalid_argument("status: expected an HTTP error status from 400 to 599");
  }
  fault.retry_after_seconds = body.value("retry_after", fault.status == 429 ? 1 : 0);
  fault.stall_seconds = body.value("stall_seconds", 0.0);
  if ((fault.kind == ApiFaultKind::stall || fault.kind == ApiFaultKind::late) && fault.stall_seconds <= 0) {
    throw std::invalid_argument("stall_seconds: expected a positive number of seconds");
  }
  fault.path_prefix = body.value("path", std::string("/api/"));
  fault.method = body.value("method", std::string());
  fault.remaining = body.value("count", 1);
  if (fault.remaining < 1) {
    throw std::invalid_argument("count: expected at least 1");
  }
  return fault;
}

nlohmann::json to_json(const ApiFault& fault) {
  std::string kind;
  for (const auto& [k, name] : k_kinds) {
    if (k == fault.kind) {
      kind = name;
    }
  }
  return {{"kind", kind},
          {"status", fault.status},
          {"retry_after", fault.retry_after_seconds},
          {"stall_seconds", fault.stall_seconds},
          {"path", fault.path_prefix},
          {"method", fault.method},
          {"count", fault.remaining}};
}

void ApiFaultQueue::add(ApiFault fault) {
  std::lock_guard lock(m_mutex);
  m_faults.push_back(std::move(fault));
}

std::optional<ApiFault> ApiFaultQueue::take(const std::string& method, const std::string& path) {
  std::lock_guard lock(m_mutex);
  for (auto it = m_faults.begin(); it != m_faults.end(); ++it) {
    if (path.starts_with(it->path_prefix) && (it->method.empty() || it->method == method)) {
      ApiFault taken = *it;
      if (--it->remaining == 0) {
        m_faults.erase(it);
      }
      return taken;
    }
  }
  return std::nullopt;
}

nlohmann::json ApiFaultQueue::describe() const {
  std::lock_guard lock(m_mutex);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& fault : m_faults) {
    out.push_back(to_json(fault));
  }
  return out;
}

void ApiFaultQueue::clear() {
  std::lock_guard lock(m_mutex);
  m_faults.clear();
}

}  // namespace nbsync::lab
