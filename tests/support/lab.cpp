#include "tests/support/lab.hpp"

#include <stdexcept>

namespace nbsync::test {

Lab::Lab(int devices, int seed, const std::vector<std::string>& extra_args, const std::filesystem::path& state_dir)
    : m_client(http::HttpClientOptions{std::chrono::milliseconds(2000), std::chrono::milliseconds(20000), true, "",
                                       64 << 20, "nbsync-test"}) {
  const auto token_file = m_dir.write("token", k_lab_token + "\n");
  std::vector<std::string> argv = {NBSYNC_TEST_LAB, "--devices",          std::to_string(devices),
                                   "--seed",        std::to_string(seed), "--api",
                                   "127.0.0.1:0",   "--ssh-port",         "0",
                                   "--token-file",  token_file.string()};
  if (!state_dir.empty()) {
    argv.insert(argv.end(), {"--state", state_dir.string()});
  }
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  m_process = std::make_unique<ChildProcess>(argv, "ready ");
  m_url = m_process->ready_value("api");
  if (m_url.empty()) {
    throw std::runtime_error("the lab's ready line has no api=: " + m_process->ready_line());
  }
}

LabReply Lab::request(http::HttpRequest request) {
  if (request.url.starts_with("/")) {
    request.url = m_url + request.url;
  }
  LabReply reply;
  reply.response = m_client.send(request);
  reply.status = reply.response.status;
  reply.raw = reply.response.body;
  reply.body = nlohmann::json::parse(reply.raw, nullptr, false);
  return reply;
}

LabReply Lab::get(const std::string& path) {
  return request({"GET", path, {{"Authorization", "Token " + k_lab_token}, {"Accept", "application/json"}}, ""});
}

LabReply Lab::send(const std::string& method, const std::string& path, const nlohmann::json& body) {
  return request({method,
                  path,
                  {{"Authorization", "Token " + k_lab_token},
                   {"Content-Type", "application/json"},
                   {"Accept", "application/json"}},
                  body.dump()});
}

std::vector<nlohmann::json> Lab::walk(const std::string& first_path) {
  std::vector<nlohmann::json> out;
  std::string next = first_path;
  while (!next.empty()) {
    const LabReply page = get(next);
    if (page.status != 200) {
      throw std::runtime_error("GET " + next + " answered " + std::to_string(page.status) + ": " +
                               page.raw.substr(0, 200));
    }
    for (const auto& device : page.body["results"]) {
      out.push_back(device);
    }
    next = page.body["next"].is_string() ? page.body["next"].get<std::string>() : "";
  }
  return out;
}

}  // namespace nbsync::test
