#pragma once
// A Slack-style incoming-webhook sink: POST /lab/slack/<name> records the message and
// answers "ok" like Slack; it can be told to answer the next K posts with 429 (and
// Retry-After) or 500. Tests read what arrived, in order. Thread-safe.
//   POST   /lab/slack/<name>           the webhook
//   POST   /lab/slack/<name>/fail      {"status": 429, "count": 2, "retry_after": 1}
//   GET    /lab/slack/<name>/messages  {"messages": [{"received_at", "body"}...], "attempts": N, "refused": N}
//   DELETE /lab/slack/<name>/messages  forget everything for that name
#include <httplib.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nbsync::lab {

class SlackSink {
public:
  void register_routes(httplib::Server& server);

private:
  struct Hook {
    std::vector<nlohmann::json> messages;
    long attempts = 0;
    long refused = 0;
    int fail_status = 0;
    int fail_remaining = 0;
    int retry_after = 0;
  };
  void receive(const std::string& name, const httplib::Request& request, httplib::Response& response);

  std::mutex m_mutex;
  std::map<std::string, Hook> m_hooks;
};

}  // namespace nbsync::lab
