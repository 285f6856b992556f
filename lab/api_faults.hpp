#pragma once
// Faults the lab injects into its own NetBox API for tests: the next K requests matching a
// path prefix (and optionally a method) fail in a chosen way. Thread-safe. Like nginx, a
// fault still reads the request's body, so a kept-alive connection stays in step.
//   status          answer `status` (500 NetBox error body, 502/503 proxy page, 429 with Retry-After)
//   stall           wait `stall_seconds`, then answer normally
//   late            apply the request, then wait `stall_seconds` before answering (a NetBox
//                   that writes after the client gave up waiting)
//   cut_body        send the headers and half of the real body, then close the connection
//   malformed_json  200 with a body that is not valid JSON
//   broken_next     the real page, but its `next` points past the end (a missing offset)
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nbsync::lab {

enum class ApiFaultKind { status, stall, late, cut_body, malformed_json, broken_next };

struct ApiFault {
  ApiFaultKind kind = ApiFaultKind::status;
  int status = 500;
  int retry_after_seconds = 0;  // 429 only; 0 = no header
  double stall_seconds = 0;
  std::string path_prefix = "/api/";
  std::string method;  // empty: any
  int remaining = 1;
};

// From the JSON body of POST /lab/faults; throws std::invalid_argument naming the field.
ApiFault parse_api_fault(const nlohmann::json& body);
nlohmann::json to_json(const ApiFault& fault);

class ApiFaultQueue {
public:
  void add(ApiFault fault);
  // The first pending fault that matches, with one use consumed.
  std::optional<ApiFault> take(const std::string& method, const std::string& path);
  nlohmann::json describe() const;
  void clear();

private:
  mutable std::mutex m_mutex;
  std::vector<ApiFault> m_faults;
};

}  // namespace nbsync::lab
