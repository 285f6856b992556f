#pragma once
// Counts the API requests the lab received, by "METHOD /path/template/" with numeric path
// segments folded into {id}, so a test can assert exactly how many writes a client made.
// Thread-safe.
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace nbsync::lab {

// "/api/dcim/devices/12/" -> "/api/dcim/devices/{id}/"
std::string path_template(const std::string& path);

class RequestCounters {
public:
  void count(const std::string& method, const std::string& path);
  // {"total": N, "requests": {"GET /api/dcim/devices/": 3, ...}}
  nlohmann::json snapshot() const;
  void reset();

private:
  mutable std::mutex m_mutex;
  std::map<std::string, long> m_counts;
  long m_total = 0;
};

}  // namespace nbsync::lab
