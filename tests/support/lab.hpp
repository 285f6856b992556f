#pragma once
// Starts the real nbsync-lab for a test and talks to its API over real HTTP.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::test {

inline const std::string k_lab_token = "0123456789abcdef0123456789abcdef01234567";

struct LabReply {
  long status = 0;
  nlohmann::json body;  // discarded value when the body is not JSON
  std::string raw;
  http::HttpResponse response;
};

class Lab {
public:
  // Starts nbsync-lab with `devices` devices and `seed`, plus any extra arguments.
  Lab(int devices, int seed, const std::vector<std::string>& extra_args = {},
      const std::filesystem::path& state_dir = {});

  const std::string& url() const { return m_url; }
  int ssh_port() const { return std::stoi(m_process->ready_value("ssh_port")); }
  ChildProcess& process() { return *m_process; }
  // Requests with the lab's token; `path` starts with "/", or is a full URL.
  LabReply get(const std::string& path);
  LabReply send(const std::string& method, const std::string& path, const nlohmann::json& body);
  LabReply request(http::HttpRequest request);
  // Every device, walking `next` from `first_path`.
  std::vector<nlohmann::json> walk(const std::string& first_path);

private:
  TempDir m_dir;
  std::unique_ptr<ChildProcess> m_process;
  std::string m_url;
  http::HttpClient m_client;
};

}  // namespace nbsync::test
